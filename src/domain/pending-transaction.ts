import { newId } from './ids.js';
import type { Currency } from './money.js';
import type {
  Customer,
  Initiator,
  PaymentMethodCode,
  ProfileType,
  ProfileVariant,
  Transaction,
  TransactionSource,
} from './transaction.js';

/** What the shop ordered, as `POST /transaction` and `POST /transaction/profile` both carry it. */
export interface PendingOrder {
  amount: number;
  currency: Currency;
  orderId: string;
  title?: string | null | undefined;
  notificationUrl?: string | null | undefined;
}

export interface PendingTransactionOptions {
  merchantId: string;
  serviceId: string;
  source: TransactionSource;
  order: PendingOrder;
  successReturnUrl: string | null;
  failureReturnUrl: string | null;
  customer: Customer | null;
  cardId: string;
  paymentMethodCode: PaymentMethodCode;
  /** The profile type a registration creates on success; null otherwise. */
  registers: ProfileType | null;
  profileVariant: ProfileVariant | null;
  initiator: Initiator;
  /** The profile a debit uses. */
  profileId: string | null;
  /** For later uses: the first payment's network transaction id. */
  quotedNetworkTxnId: string | null;
  now: number;
  /** The expiry of the acquirer attempt that starts with it (see `attemptDeadline`). */
  acquirerDeadline: number;
}

/**
 * A card sale as it is stored before the acquirer is asked: `pending`, stage `authorizing`, its new id the
 * acquirer's idempotency reference. Every way a sale starts (one-off, registration, FIRST/STANDARD, profile
 * debit) builds it here.
 */
export function newPendingTransaction(o: PendingTransactionOptions): Transaction & { cardId: string } {
  return {
    id: newId(),
    merchantId: o.merchantId,
    serviceId: o.serviceId,
    type: 'sale',
    status: 'pending',
    stage: 'authorizing',
    source: o.source,
    amount: o.order.amount,
    currency: o.order.currency,
    orderId: o.order.orderId,
    title: o.order.title ?? '',
    paymentMethodCode: o.paymentMethodCode,
    notificationUrl: o.order.notificationUrl ?? null,
    successReturnUrl: o.successReturnUrl,
    failureReturnUrl: o.failureReturnUrl,
    customer: o.customer,
    cardId: o.cardId,
    profileId: o.profileId,
    registers: o.registers,
    profileVariant: o.profileVariant,
    initiator: o.initiator,
    statusCode: null,
    networkTxnId: null,
    quotedNetworkTxnId: o.quotedNetworkTxnId,
    parentId: null,
    createdAt: o.now,
    modifiedAt: o.now,
    challengeExpiresAt: null,
    acquirerDeadline: o.acquirerDeadline,
  };
}
