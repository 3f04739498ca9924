import type { Currency, TransactionStatus } from './enums.js';
import type { PaymentProfile } from './profile.js';
import type { Transaction } from './transaction.js';

/** The body of a notification (webhook) imoje or Kartoteka POSTs to the shop. */
export interface ImojeNotification {
  transaction: Transaction;
  payment: {
    id: string;
    status: TransactionStatus;
    amount?: number;
    currency?: Currency;
    orderId?: string;
    serviceId?: string;
    title?: string;
    created?: number;
    modified?: number;
  };
  /** Also inside `transaction` when a profile was created or used. */
  paymentProfile?: PaymentProfile;
}
