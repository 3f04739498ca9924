import { DomainError } from '../domain/domain-error.js';
import { linkState, type PaymentLink, type PaymentLinkState } from '../domain/payment-link.js';
import type { Transaction } from '../domain/transaction.js';
import type { PaymentsDeps } from './deps.js';

export interface PaymentLinkWithState {
  link: PaymentLink;
  state: PaymentLinkState;
  /** The transaction holding or paying the link's order, if any. */
  transaction: Transaction | undefined;
}

const orderKey = (l: PaymentLink) => ({
  serviceId: l.serviceId,
  orderId: l.orderId,
  amount: l.amount,
  currency: l.currency,
});

async function withState(deps: PaymentsDeps, link: PaymentLink): Promise<PaymentLinkWithState> {
  const order = await deps.storage.repos.widgetOrders.get(orderKey(link));
  const transaction =
    order && !order.transactionId.startsWith(CANCELLED_HOLDER)
      ? await deps.storage.repos.transactions.getTransactionById(order.transactionId)
      : undefined;
  return { link, state: linkState(link, order?.state ?? 'open', deps.clock.now()), transaction };
}

/**
 * The holder a cancelled link leaves on its order (see cancelPaymentLink): never a transaction id, so a
 * settle() never frees it and a payment opened before the cancel finds the order taken.
 */
export const CANCELLED_HOLDER = 'cancelled-link:';

/** The merchant's link (`GET /payment/{id}`). */
export async function getPaymentLink(
  deps: PaymentsDeps,
  merchantId: string,
  id: string,
): Promise<PaymentLinkWithState> {
  const link = await deps.storage.repos.paymentLinks.getOwned(merchantId, id);
  if (!link) throw new DomainError('paymentLinkNotFound');
  return withState(deps, link);
}

/** The link a payer opened on the paywall (by its unguessable id), or undefined. */
export async function openPaymentLink(
  deps: PaymentsDeps,
  id: string,
): Promise<PaymentLinkWithState | undefined> {
  const link = await deps.storage.repos.paymentLinks.get(id);
  return link && withState(deps, link);
}
