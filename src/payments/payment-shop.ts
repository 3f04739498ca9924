import { DomainError } from '../domain/domain-error.js';
import { assertWithinLimits } from '../domain/transaction-limits.js';
import type { Shop } from '../storage/merchant-repo.js';
import type { PaymentsDeps } from './deps.js';

/**
 * The shop a charging payment (card sale, registration, FIRST/STANDARD, profile debit; API or widget) is for,
 * with its amount checked against the shop's limits — the one place the limits are enforced, before anything
 * is stored or the acquirer is asked.
 */
export async function shopForPayment(
  deps: PaymentsDeps,
  merchantId: string,
  serviceId: string,
  amount: number,
): Promise<Shop> {
  return checkedShop(
    await deps.storage.repos.merchants.getShop(merchantId, serviceId),
    merchantId,
    serviceId,
    amount,
  );
}

/** The same checks on a shop the caller has read (the schedule runner, per round). */
export function checkedShop(
  shop: Shop | undefined,
  merchantId: string,
  serviceId: string,
  amount: number,
): Shop {
  if (!shop || shop.merchantId !== merchantId || shop.id !== serviceId)
    throw new DomainError('shopNotFound', [{ property: 'serviceId', message: 'No such service.' }]);
  assertWithinLimits(shop, amount);
  return shop;
}
