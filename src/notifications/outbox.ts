import { newId } from '../domain/ids.js';
import type { PaymentProfile } from '../domain/profile.js';
import type { Transaction } from '../domain/transaction.js';
import type { Shop } from '../storage/merchant-repo.js';
import type { NotificationRow } from '../storage/notification-repo.js';
import { notificationBody } from './payload.js';

/**
 * The notification row a status change queues, or null when neither the transaction nor the shop has a
 * notification URL (nor is there a `fallbackUrl`: the sandbox's webhook inbox, for the sandbox merchant's
 * shops). Stored in the same statement as the change (TransactionRepo's finishAndEnqueue, a transactional
 * outbox): the change and its notification commit together or not at all.
 */
export function notificationRow(
  t: Transaction,
  profile: PaymentProfile | undefined,
  shop: Shop,
  now: number,
  fallbackUrl: string | null = null,
): Omit<NotificationRow, 'ordinal'> | null {
  const url = t.notificationUrl ?? shop.notificationUrl ?? fallbackUrl;
  if (!url) return null;
  return {
    id: newId(),
    transactionId: t.id,
    merchantId: t.merchantId,
    serviceId: t.serviceId,
    url,
    body: notificationBody(t, profile, shop.notificationUrl),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
    createdAt: now,
    deliveredAt: null,
    lockedBy: null,
    lockedUntil: null,
  };
}
