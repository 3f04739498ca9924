import { unixSeconds } from '../domain/clock.js';
import { describeResultCode } from '../domain/result-codes.js';
import type { PaymentProfile } from '../domain/profile.js';
import type { Transaction } from '../domain/transaction.js';
import { profileView, type PaymentProfileView } from './profile-view.js';

/** imoje's `transaction` object, as the API returns it and notifications carry it. */
export interface TransactionView {
  id: string;
  type: 'sale' | 'refund';
  status: string;
  source: 'api' | 'web';
  created: number;
  modified: number;
  notificationUrl: string;
  serviceId: string;
  amount: number;
  currency: string;
  title: string;
  orderId: string;
  paymentMethod: 'card';
  paymentMethodCode: string;
  payment: { id: string; status: string };
  statusCode?: string;
  statusCodeDescription?: string;
  paymentProfile?: PaymentProfileView;
  /** Only on a settled (or authorized) `profileType: FIRST` registration. */
  firstTransactionId?: string;
  /** For refunds: the sale they refund. */
  parentTransactionId?: string;
  refunds?: Array<{ transaction: TransactionView }>;
}

export interface TransactionViewExtras {
  profile?: PaymentProfile | undefined;
  refunds?: Transaction[] | undefined;
  /** The shop's notification URL, shown when the transaction has none of its own. */
  shopNotificationUrl?: string | null | undefined;
}

/**
 * imoje's `amount`: what the transaction is for. A settled pre-authorisation shows what was captured (what
 * the card was charged and refunds count against); while its capture is still being asked for, the sale is
 * `authorized` and shows the hold it still is.
 */
export function shownAmount(t: Transaction): number {
  return t.status === 'authorized' && typeof t.authorizedAmount === 'number' ? t.authorizedAmount : t.amount;
}

export function transactionView(t: Transaction, extras: TransactionViewExtras = {}): TransactionView {
  const view: TransactionView = {
    id: t.id,
    type: t.type,
    status: t.status,
    source: t.source,
    created: unixSeconds(t.createdAt),
    modified: unixSeconds(t.modifiedAt),
    notificationUrl: t.notificationUrl ?? extras.shopNotificationUrl ?? '',
    serviceId: t.serviceId,
    amount: shownAmount(t),
    currency: t.currency,
    title: t.title,
    orderId: t.orderId,
    paymentMethod: 'card',
    paymentMethodCode: t.paymentMethodCode,
    payment: { id: t.id, status: t.status },
  };
  if (t.statusCode) {
    view.statusCode = t.statusCode;
    view.statusCodeDescription = describeResultCode(t.statusCode);
  }
  if (extras.profile) view.paymentProfile = profileView(extras.profile);
  // imoje-api.md §3.2/§5: only a profile-less FIRST registration carries it on the transaction; a registration
  // that creates a profile shows it in `paymentProfile.firstTransactionId` (§4) and nowhere else.
  const isFirst = t.profileVariant === 'FIRST';
  if (isFirst && t.networkTxnId && (t.status === 'settled' || t.status === 'authorized')) {
    view.firstTransactionId = t.networkTxnId;
  }
  if (t.parentId) view.parentTransactionId = t.parentId;
  if (extras.refunds) {
    view.refunds = extras.refunds.map((r) => ({
      transaction: transactionView(r, { shopNotificationUrl: extras.shopNotificationUrl }),
    }));
  }
  return view;
}
