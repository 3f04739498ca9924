import { DomainError } from '../domain/domain-error.js';
import type { Shop } from '../storage/merchant-repo.js';
import type { PaymentsDeps } from './deps.js';

/** One of this merchant's shops; another merchant's is as unknown as a missing one. */
export async function getService(deps: PaymentsDeps, merchantId: string, serviceId: string): Promise<Shop> {
  const shop = await deps.storage.repos.merchants.getShop(merchantId, serviceId);
  if (!shop) throw new DomainError('shopNotFound', [{ property: 'serviceId', message: 'No such service.' }]);
  return shop;
}

export function listServices(deps: PaymentsDeps, merchantId: string): Promise<Shop[]> {
  return deps.storage.repos.merchants.listShops(merchantId);
}
