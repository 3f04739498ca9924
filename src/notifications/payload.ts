import { unixSeconds } from '../domain/clock.js';
import type { PaymentProfile } from '../domain/profile.js';
import type { Transaction } from '../domain/transaction.js';
import { profileView, type PaymentProfileView } from '../wire/profile-view.js';
import { shownAmount, transactionView, type TransactionView } from '../wire/transaction-view.js';

export interface NotificationPayload {
  transaction: TransactionView;
  payment: {
    id: string;
    status: string;
    amount: number;
    currency: string;
    orderId: string;
    serviceId: string;
    title: string;
    created: number;
    modified: number;
  };
  paymentProfile?: PaymentProfileView;
}

/**
 * imoje-api.md §6: the profile appears inside `transaction` and at the top level (clients read either place);
 * `payment.id` is always present. Serialised compactly once, at enqueue time: the stored bytes are the bytes
 * signed and sent, on every attempt.
 */
export function notificationBody(
  t: Transaction,
  profile: PaymentProfile | undefined,
  shopUrl: string | null,
): string {
  const payload: NotificationPayload = {
    transaction: transactionView(t, { profile, shopNotificationUrl: shopUrl }),
    payment: {
      id: t.id,
      status: t.status,
      amount: shownAmount(t),
      currency: t.currency,
      orderId: t.orderId,
      serviceId: t.serviceId,
      title: t.title,
      created: unixSeconds(t.createdAt),
      modified: unixSeconds(t.modifiedAt),
    },
  };
  if (profile) payload.paymentProfile = profileView(profile);
  return JSON.stringify(payload);
}
