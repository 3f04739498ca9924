import { checkDebit } from '../domain/agreement.js';
import { DomainError } from '../domain/domain-error.js';
import type { Agreement } from '../storage/agreement-repo.js';
import type { Repos } from '../storage/storage.js';

/**
 * The agreement's rules, applied to a merchant-initiated debit inside the database transaction that stores it,
 * before the acquirer is asked: the agreement's row is locked (PostgreSQL), its counted debits read, and a
 * refusal throws — so nothing is stored, nothing is sent. An accepted debit is recorded under the agreement in
 * the same transaction (`recordAgreementDebit`), so the next one counts it.
 */
export async function checkAgreementDebit(
  repos: Repos,
  agreement: Agreement,
  debit: { amount: number; currency: string; at: number },
): Promise<void> {
  await repos.agreements.lock(agreement.id);
  const usage = await repos.agreements.usage(agreement.id);
  const refusal = checkDebit(agreement.terms, usage, debit);
  if (refusal) throw new DomainError(refusal.key, [{ property: refusal.property, message: refusal.message }]);
}

export async function recordAgreementDebit(
  repos: Repos,
  agreement: Agreement,
  transactionId: string,
  at: number,
): Promise<void> {
  await repos.agreements.recordDebit(agreement.id, transactionId, at);
}
