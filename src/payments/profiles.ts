import { DomainError } from '../domain/domain-error.js';
import type { PaymentProfile } from '../domain/profile.js';
import type { PaymentsDeps } from './deps.js';

export async function getProfile(
  deps: PaymentsDeps,
  merchantId: string,
  id: string,
): Promise<PaymentProfile> {
  const profile = await deps.storage.repos.profiles.getProfile(merchantId, id);
  if (!profile) throw new DomainError('profileNotFound');
  return profile;
}

export async function listProfilesByCid(
  deps: PaymentsDeps,
  merchantId: string,
  cid: string,
): Promise<PaymentProfile[]> {
  return deps.storage.repos.profiles.listByCid(merchantId, cid);
}

/** Final and idempotent: deactivating an inactive profile returns it unchanged. */
export async function deactivateProfile(
  deps: PaymentsDeps,
  merchantId: string,
  id: string,
): Promise<PaymentProfile> {
  await getProfile(deps, merchantId, id);
  await deps.storage.repos.profiles.deactivate(merchantId, id, deps.clock.now());
  return getProfile(deps, merchantId, id);
}
