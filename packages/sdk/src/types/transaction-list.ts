import type { TransactionStatus, TransactionType } from './enums.js';
import type { Transaction } from './transaction.js';

/** Filters of Kartoteka's transaction list; every field optional. */
export interface TransactionListFilter {
  status?: TransactionStatus;
  type?: TransactionType;
  orderId?: string;
  /** The payer's cid. */
  cid?: string;
  /** Minor units, inclusive. */
  amountMin?: number;
  amountMax?: number;
  /** Inclusive. A Date, or Unix seconds. */
  createdFrom?: Date | number;
  /** Exclusive. A Date, or Unix seconds. */
  createdTo?: Date | number;
  /** 1–100, default 25. */
  limit?: number;
  /** `nextCursor` of the page before. */
  cursor?: string;
}

export interface MaskedCard {
  brand: string;
  /** `****1234`: never more than the last four digits. */
  maskedNumber: string;
}

export interface ListedTransaction {
  transaction: Transaction;
  cid: string | null;
  card: MaskedCard | null;
}

export interface TransactionListResponse {
  transactions: ListedTransaction[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export interface TimelineEntry {
  /** Unix ms. */
  at: number;
  transactionId: string;
  kind: 'created' | 'challenge' | 'challenge-answered' | 'status' | 'refund' | 'notification-attempt';
  status: string | null;
  code: string | null;
  detail: string | null;
  notificationId?: string;
}

export interface NotificationAttempt {
  attemptedAt: number;
  url: string | null;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  signature: string | null;
  responseExcerpt: string | null;
}

export interface TimelineNotification {
  id: string;
  transactionId: string;
  ordinal: number;
  url: string | null;
  status: string;
  notifiedStatus: string | null;
  createdAt: number;
  deliveredAt: number | null;
  attempts: NotificationAttempt[];
}

export interface TransactionTimelineResponse {
  transaction: Transaction;
  card: MaskedCard | null;
  refunds: Transaction[];
  timeline: TimelineEntry[];
  notifications: TimelineNotification[];
}
