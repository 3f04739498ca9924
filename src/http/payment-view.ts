import type { PaymentResult } from '../domain/payment-result.js';
import { transactionView, type TransactionView } from '../wire/transaction-view.js';

/**
 * The wire view of a payment's outcome: the same object `GET /transaction/{id}` and the notification show
 * (the profile it created or used; the shop's notification URL when the transaction has none of its own).
 */
export function paymentView(result: PaymentResult): { transaction: TransactionView } {
  return {
    transaction: transactionView(result.transaction, {
      profile: result.profile,
      shopNotificationUrl: result.shopNotificationUrl,
    }),
  };
}
