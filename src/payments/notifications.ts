import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from '../domain/cursor.js';
import { DomainError } from '../domain/domain-error.js';
import type {
  NotificationAttemptRow,
  NotificationRow,
  NotificationStatus,
} from '../storage/notification-repo.js';
import type { PaymentsDeps } from './deps.js';

/** One delivery attempt as a shop's developer sees it. Times are ISO 8601, UTC. */
export interface DeliveryAttemptView {
  attemptedAt: string;
  /** Where it went (null for attempts recorded before Kartoteka kept it). */
  url: string | null;
  /** The receiver's HTTP status; null when there was no answer (refused, timed out, no URL). */
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  /** The start of the receiver's answer (at most 1 KiB, card numbers masked). */
  responseExcerpt: string | null;
  /** The X-Imoje-Signature header the attempt carried. */
  signature: string | null;
}

/** A notification of one of the merchant's shops, with every delivery attempt. */
export interface MerchantNotificationView {
  id: string;
  transactionId: string;
  serviceId: string;
  ordinal: number;
  url: string | null;
  status: NotificationStatus;
  /** Attempts in the current retry schedule (a resend starts a new one). */
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  /** The exact JSON bytes that are signed and sent (card numbers in it are masked, as in every imoje body). */
  body: string;
  deliveryAttempts: DeliveryAttemptView[];
}

export interface NotificationPage {
  notifications: MerchantNotificationView[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export interface NotificationQuery {
  status?: NotificationStatus | undefined;
  transactionId?: string | undefined;
  /** created at or after / at or before, Unix ms */
  from?: number | undefined;
  to?: number | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function attemptView(a: NotificationAttemptRow): DeliveryAttemptView {
  return {
    attemptedAt: new Date(a.attemptedAt).toISOString(),
    url: a.url ?? null,
    httpStatus: a.httpStatus,
    error: a.error,
    durationMs: a.durationMs,
    responseExcerpt: a.responseExcerpt ?? null,
    signature: a.signature ?? null,
  };
}

function view(row: NotificationRow, attempts: NotificationAttemptRow[]): MerchantNotificationView {
  return {
    id: row.id,
    transactionId: row.transactionId,
    serviceId: row.serviceId,
    ordinal: row.ordinal,
    url: row.url,
    status: row.status as NotificationStatus,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
    lastError: row.lastError,
    createdAt: new Date(row.createdAt).toISOString(),
    deliveredAt: iso(row.deliveredAt),
    body: row.body,
    deliveryAttempts: attempts.map(attemptView),
  };
}

/** A page of the merchant's notifications, newest first, each with its delivery attempts. */
export async function listMerchantNotifications(
  deps: PaymentsDeps,
  merchantId: string,
  query: NotificationQuery,
): Promise<NotificationPage> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const before = decodeCursor(query.cursor);
  const repo = deps.storage.repos.notifications;
  // One row more than asked tells whether there is a next page without a count.
  const rows = await repo.page({
    merchantId,
    status: query.status,
    transactionId: query.transactionId,
    from: query.from,
    to: query.to,
    before: before && { createdAt: before.at, id: before.id },
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const attempts = await repo.attemptsOf(page.map((r) => r.id));
  const last = page[page.length - 1];
  return {
    notifications: page.map((r) =>
      view(
        r,
        attempts.filter((a) => a.notificationId === r.id),
      ),
    ),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
  };
}

async function ownRow(deps: PaymentsDeps, merchantId: string, id: string): Promise<NotificationRow> {
  const row = await deps.storage.repos.notifications.get(merchantId, id);
  if (!row)
    throw new DomainError('notificationNotFound', [{ property: 'id', message: `No notification ${id}.` }]);
  return row;
}

export async function getMerchantNotification(
  deps: PaymentsDeps,
  merchantId: string,
  id: string,
): Promise<MerchantNotificationView> {
  const row = await ownRow(deps, merchantId, id);
  return view(row, await deps.storage.repos.notifications.attempts(id));
}

/**
 * Sends a notification again: the same stored bytes, signed as before, due now with a fresh retry schedule
 * (the operators' `notifications resend` does the same). The worker delivers it and records the attempt; the
 * shop must ignore identical repeats.
 */
export async function resendMerchantNotification(
  deps: PaymentsDeps,
  merchantId: string,
  id: string,
): Promise<MerchantNotificationView> {
  await ownRow(deps, merchantId, id);
  const repo = deps.storage.repos.notifications;
  await repo.requeue(id, deps.clock.now());
  deps.notificationQueued?.();
  return getMerchantNotification(deps, merchantId, id);
}
