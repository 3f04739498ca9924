import type { PaymentResult } from '../domain/payment-result.js';
import type { Transaction } from '../domain/transaction.js';
import type { PaymentsDeps } from './deps.js';

/** The result for a transaction as it now stands (not finalised by this request): its profile and shop read. */
export async function currentResult(deps: PaymentsDeps, t: Transaction): Promise<PaymentResult> {
  const repos = deps.storage.repos;
  const [profile, shop] = await Promise.all([
    t.profileId ? repos.profiles.getProfile(t.merchantId, t.profileId) : undefined,
    repos.merchants.getShopById(t.serviceId),
  ]);
  return { transaction: t, profile, shopNotificationUrl: shop?.notificationUrl ?? null };
}
