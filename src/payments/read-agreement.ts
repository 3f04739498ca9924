import { nextAllowedAt, type AgreementUsage } from '../domain/agreement.js';
import { DomainError } from '../domain/domain-error.js';
import type { Agreement } from '../storage/agreement-repo.js';
import type { PaymentsDeps } from './deps.js';

export interface AgreementState {
  agreement: Agreement;
  usage: AgreementUsage;
  /** When the next debit may come (from the registration, at first); null when none may any more. */
  nextDebitAt: number | null;
}

/**
 * The agreement a profile's debits are held to (its current registration's), with what was debited under it.
 * An unknown profile is `profileNotFound`; a profile without one `agreementNotFound`.
 */
export async function readProfileAgreement(
  deps: PaymentsDeps,
  merchantId: string,
  profileId: string,
): Promise<AgreementState> {
  const repos = deps.storage.repos;
  const profile = await repos.profiles.getProfile(merchantId, profileId);
  if (!profile) throw new DomainError('profileNotFound');
  const agreement =
    profile.type === 'RECURRING'
      ? await repos.agreements.findByNetworkTxnId(merchantId, profile.firstTransactionId)
      : undefined;
  if (!agreement) throw new DomainError('agreementNotFound');
  const usage = await repos.agreements.usage(agreement.id);
  const since = agreement.activatedAt ?? agreement.createdAt;
  return { agreement, usage, nextDebitAt: nextAllowedAt(agreement.terms, usage, since) };
}
