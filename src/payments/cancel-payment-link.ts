import { DomainError } from '../domain/domain-error.js';
import type { PaymentsDeps } from './deps.js';
import { CANCELLED_HOLDER, getPaymentLink, type PaymentLinkWithState } from './read-payment-link.js';

/**
 * Cancels an unpaid link (`POST /payment/cancel`); idempotent. In one database transaction the link's order is
 * claimed for the cancellation — the same conditional claim a payment makes — and the link marked cancelled:
 * a payment started on the paywall just before finds the order taken and charges nothing, and a link whose
 * order is being paid or was paid can't be cancelled.
 */
export async function cancelPaymentLink(
  deps: PaymentsDeps,
  merchantId: string,
  id: string,
): Promise<PaymentLinkWithState> {
  const { link } = await getPaymentLink(deps, merchantId, id);
  if (link.status === 'cancelled') return getPaymentLink(deps, merchantId, id);
  const now = deps.clock.now();
  const key = {
    serviceId: link.serviceId,
    orderId: link.orderId,
    amount: link.amount,
    currency: link.currency,
  };
  const cancelled = await deps.storage.transaction(async (repos) => {
    if (!(await repos.widgetOrders.claim(key, CANCELLED_HOLDER + link.id, now))) return false;
    await repos.paymentLinks.cancel(link.id, now);
    return true;
  });
  const after = await getPaymentLink(deps, merchantId, id);
  if (!cancelled && after.link.status !== 'cancelled') throw new DomainError('paymentLinkNotCancellable');
  return after;
}
