import type { Shop } from '../storage/merchant-repo.js';
import type { PaymentsDeps } from './deps.js';

export type { Shop };

/** The merchant's shop (imoje's service), or undefined: the caller decides what an unknown one means. */
export async function findShop(
  deps: PaymentsDeps,
  merchantId: string,
  serviceId: string,
): Promise<Shop | undefined> {
  return deps.storage.repos.merchants.getShop(merchantId, serviceId);
}

export async function shopById(deps: PaymentsDeps, serviceId: string): Promise<Shop | undefined> {
  return deps.storage.repos.merchants.getShopById(serviceId);
}

/** The oldest merchant's first shop that exists (the sandbox demo's fallback when there is no sandbox shop). */
export async function firstShop(deps: PaymentsDeps): Promise<Shop | undefined> {
  const merchants = await deps.storage.repos.merchants.listMerchants();
  for (const merchant of merchants) {
    const [shop] = await deps.storage.repos.merchants.listShops(merchant.id);
    if (shop) return shop;
  }
  return undefined;
}
