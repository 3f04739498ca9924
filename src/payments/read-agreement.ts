import { nextAllowedAt, type AgreementUsage } from '../domain/agreement.js';
import { DomainError } from '../domain/domain-error.js';
import type { Agreement } from '../storage/agreement-repo.js';
import type { PaymentsDeps } from './deps.js';

export interface AgreementState {
  agreement: Agreement;
  /** The status of the payment that declared it (`settled` once binding). */
  declaredBy: { id: string; status: string };
  usage: AgreementUsage;
  /** When the next debit may come (from the registration, at first); null when none may (yet, or any more). */
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
  return withUsage(deps, agreement, 'settled');
}

/**
 * The agreement a registration or `FIRST` payment declared (for profile-less chains, which have no profile to
 * ask by), with what was debited under it. Another merchant's transaction is `transactionNotFound`.
 */
export async function readTransactionAgreement(
  deps: PaymentsDeps,
  merchantId: string,
  transactionId: string,
): Promise<AgreementState> {
  const repos = deps.storage.repos;
  const t = await repos.transactions.getTransaction(merchantId, transactionId);
  if (!t) throw new DomainError('transactionNotFound');
  const agreement = await repos.agreements.findByTransaction(t.id);
  if (!agreement) throw new DomainError('agreementNotFound');
  return withUsage(deps, agreement, t.status);
}

async function withUsage(deps: PaymentsDeps, agreement: Agreement, status: string): Promise<AgreementState> {
  const usage = await deps.storage.repos.agreements.usage(agreement.id);
  const since = agreement.activatedAt ?? agreement.createdAt;
  return {
    agreement,
    declaredBy: { id: agreement.transactionId, status },
    usage,
    nextDebitAt: agreement.activatedAt === null ? null : nextAllowedAt(agreement.terms, usage, since),
  };
}
