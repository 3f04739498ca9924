import { DomainError } from '../domain/domain-error.js';
import { maskCardNumbers } from '../domain/mask-card-numbers.js';
import type { Transaction } from '../domain/transaction.js';
import type { PaymentsDeps } from './deps.js';

/** One step of a transaction's life, oldest first. */
export interface TimelineEntry {
  at: number;
  /** The sale, or one of its refunds. */
  transactionId: string;
  kind: 'created' | 'challenge' | 'challenge-answered' | 'status' | 'refund' | 'notification-attempt';
  /** `status`: the new status; `notification-attempt`: the notification's status now. */
  status: string | null;
  /** `status`: the acquirer's result code. */
  code: string | null;
  /** `status`: which operation was answered (authorizing, capturing, voiding, challenge); `challenge-answered`: passed/failed. */
  detail: string | null;
  notificationId?: string | undefined;
}

export interface NotificationAttemptDetails {
  attemptedAt: number;
  url: string | null;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  signature: string | null;
  responseExcerpt: string | null;
}

export interface NotificationDetails {
  id: string;
  transactionId: string;
  ordinal: number;
  url: string | null;
  status: string;
  createdAt: number;
  deliveredAt: number | null;
  /** The notified status, read from the stored payload. */
  notifiedStatus: string | null;
  attempts: NotificationAttemptDetails[];
}

export interface TransactionTimeline {
  transaction: Transaction;
  card: { brand: string; last4: string } | null;
  refunds: Transaction[];
  entries: TimelineEntry[];
  notifications: NotificationDetails[];
}

function notifiedStatus(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { transaction?: { status?: unknown } };
    return typeof parsed.transaction?.status === 'string' ? parsed.transaction.status : null;
  } catch {
    return null;
  }
}

/**
 * Everything that happened to a transaction and its refunds: created, 3-D Secure, each status change with the
 * acquirer's code, the refunds, each notification and every delivery attempt. `merchantId` null: an operator,
 * any merchant's. Five small indexed queries whatever the history's length.
 */
export async function transactionTimeline(
  deps: PaymentsDeps,
  merchantId: string | null,
  id: string,
): Promise<TransactionTimeline> {
  const repos = deps.storage.repos;
  const transaction =
    merchantId === null
      ? await repos.transactions.getTransactionById(id)
      : await repos.transactions.getTransaction(merchantId, id);
  if (!transaction) throw new DomainError('transactionNotFound');
  const [refunds, sealed] = await Promise.all([
    transaction.type === 'sale' ? repos.transactions.listRefunds(transaction.id) : [],
    transaction.cardId ? repos.cards.getCard(transaction.cardId) : undefined,
  ]);
  const ids = [transaction.id, ...refunds.map((r) => r.id)];
  const [events, sent] = await Promise.all([
    repos.events.forTransactions(ids),
    repos.notifications.forTransactions(ids),
  ]);
  const entries: TimelineEntry[] = [
    {
      at: transaction.createdAt,
      transactionId: transaction.id,
      kind: 'created',
      status: null,
      code: null,
      detail: transaction.type,
    },
    ...refunds.map((r): TimelineEntry => ({
      at: r.createdAt,
      transactionId: r.id,
      kind: 'refund',
      status: r.status,
      code: r.statusCode,
      detail: String(r.amount),
    })),
    ...events.map((e): TimelineEntry => ({
      at: e.at,
      transactionId: e.transactionId,
      kind: e.kind as TimelineEntry['kind'],
      status: e.status,
      code: e.code,
      detail: e.detail,
    })),
  ];
  const notifications: NotificationDetails[] = sent.notifications.map((n) => ({
    id: n.id,
    transactionId: n.transactionId,
    ordinal: n.ordinal,
    url: n.url,
    status: n.status,
    createdAt: n.createdAt,
    deliveredAt: n.deliveredAt,
    notifiedStatus: notifiedStatus(n.body),
    attempts: sent.attempts
      .filter((a) => a.notificationId === n.id)
      .map((a) => ({
        attemptedAt: a.attemptedAt,
        url: a.url,
        httpStatus: a.httpStatus,
        error: a.error === null ? null : maskCardNumbers(a.error),
        durationMs: a.durationMs,
        signature: a.signature,
        responseExcerpt: a.responseExcerpt === null ? null : maskCardNumbers(a.responseExcerpt),
      })),
  }));
  for (const n of notifications) {
    for (const a of n.attempts) {
      entries.push({
        at: a.attemptedAt,
        transactionId: n.transactionId,
        kind: 'notification-attempt',
        status: a.httpStatus === null ? null : String(a.httpStatus),
        code: null,
        detail: a.error,
        notificationId: n.id,
      });
    }
  }
  // Stable: equal times keep the order above (created first, then what followed).
  entries.sort((a, b) => a.at - b.at);
  return {
    transaction,
    card: sealed ? { brand: sealed.brand, last4: sealed.last4 } : null,
    refunds,
    entries,
    notifications,
  };
}
