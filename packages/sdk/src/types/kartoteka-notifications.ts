/** Kartoteka's extension (not imoje's): the merchant's outbox, `/kartoteka/v1/merchant/{merchantId}/notifications`. */

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryAttempt {
  /** ISO 8601, UTC. */
  attemptedAt: string;
  url: string | null;
  /** null: no answer (refused, timed out, no URL). */
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  /** The start of the shop's answer (at most 1 KiB, card numbers masked). */
  responseExcerpt: string | null;
  /** The X-Imoje-Signature header sent. */
  signature: string | null;
}

export interface OutboxNotification {
  id: string;
  transactionId: string;
  serviceId: string;
  ordinal: number;
  url: string | null;
  status: OutboxStatus;
  /** Attempts in the current retry schedule (a resend starts a new one). */
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  /** The exact JSON signed and sent. */
  body: string;
  deliveryAttempts: DeliveryAttempt[];
}

export interface NotificationListQuery {
  transactionId?: string;
  status?: OutboxStatus;
  /** Created at or after (a Date or ISO 8601). */
  from?: Date | string;
  /** Created at or before. */
  to?: Date | string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** 1 to 100, default 20. */
  limit?: number;
}

export interface NotificationListResponse {
  notifications: OutboxNotification[];
  /** null on the last page. */
  nextCursor: string | null;
}

export interface NotificationResponse {
  notification: OutboxNotification;
}

/** Kartoteka's sandbox webhook inbox, `/kartoteka/v1/merchant/{merchantId}/inbox`. */
export interface InboxMessage {
  id: string;
  serviceId: string;
  receivedAt: string;
  /** As received (lowercase names), without hop-by-hop headers and credentials. */
  headers: Record<string, string>;
  body: string;
  /** The exact bytes received. */
  bodyBase64: string;
  signature: string | null;
  /** The signature matched the body under the shop's serviceKey. */
  verified: boolean;
  transactionId: string | null;
  /** The notified `transaction.status`. */
  event: string | null;
}

export interface InboxListQuery {
  cursor?: string;
  limit?: number;
}

export interface InboxListResponse {
  messages: InboxMessage[];
  nextCursor: string | null;
}

export interface InboxMessageResponse {
  message: InboxMessage;
}
