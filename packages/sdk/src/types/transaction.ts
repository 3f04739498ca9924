import type { Agreement } from './agreement.js';
import type {
  Currency,
  PaymentMethodCode,
  TransactionSource,
  TransactionStatus,
  TransactionType,
} from './enums.js';
import type { PaymentProfile } from './profile.js';

/** imoje's `transaction` object, as responses and notifications carry it. */
export interface Transaction {
  id: string;
  type: TransactionType;
  status: TransactionStatus;
  source: TransactionSource;
  /** Unix seconds. */
  created: number;
  /** Unix seconds. */
  modified: number;
  notificationUrl: string;
  serviceId: string;
  /** Minor units. */
  amount: number;
  currency: Currency;
  title: string;
  orderId: string;
  paymentMethod: 'card';
  paymentMethodCode: PaymentMethodCode;
  payment: { id: string; status: TransactionStatus };
  /** e.g. `"CODE_000"`; on card transactions. */
  statusCode?: string;
  /** e.g. `"CODE_000 - OK"`. */
  statusCodeDescription?: string;
  /** When a profile was created or used. */
  paymentProfile?: PaymentProfile;
  /** On a settled `FIRST` registration: quote it in later `STANDARD` debits. */
  firstTransactionId?: string;
  /** On a refund: the sale it refunds. */
  parentTransactionId?: string;
  /** On every read with `getTransaction`: a sale's refunds; `[]` on a refund. */
  refunds?: Array<{ transaction: Transaction }>;
}

/** Where to send the payer's browser for 3-D Secure; exactly these five keys. */
export interface RedirectAction {
  type: 'redirect';
  url: string;
  method: 'GET';
  contentType: '';
  contentBodyRaw: '';
}

export interface TransactionResponse {
  transaction: Transaction;
  /** Present while the payer must complete 3-D Secure (`transaction.status` is `pending`). */
  action?: RedirectAction;
  /** Kartoteka's extension: only on the answer to a registration that declared an agreement. */
  agreement?: Agreement;
}

export interface CanRefundResponse {
  id: string;
  refundable: boolean;
  /** What is still refundable, minor units. */
  balance: number;
  fullRefund: boolean;
  partialRefund: { maxRefundAmount: number; minRefundAmount: number };
}
