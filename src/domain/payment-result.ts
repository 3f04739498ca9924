import type { PaymentProfile } from './profile.js';
import type { Transaction } from './transaction.js';

/**
 * What a payment ended as (or stands at, while it waits on the acquirer): the transaction, the profile it
 * created or used, and where its notifications go when it names no URL of its own — the shop's. That is all
 * `http/` and `wire/` need to answer with; they build the response from it.
 */
export interface PaymentResult {
  transaction: Transaction;
  profile: PaymentProfile | undefined;
  shopNotificationUrl: string | null;
}
