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
  const shop = await deps.storage.repos.merchants.getShop(merchantId, serviceId);
  if (!shop) throw new DomainError('shopNotFound', [{ property: 'serviceId', message: 'No such service.' }]);
  assertWithinLimits(shop, amount);
  return shop;
}
