import { challengeRedirect } from './challenge-redirect.js';
import type { RedirectAction } from './created-transaction.js';
import type { PaymentsDeps } from './deps.js';
import { readTransaction, type TransactionDetails } from './read-transaction.js';
import { recoverTransaction } from './recover.js';
import { declaresAgreements } from './finalize.js';
import type { Agreement } from '../storage/agreement-repo.js';

export interface ResumedTransaction {
  details: TransactionDetails;
  /** Present while the payment waits for the payer's 3-D Secure challenge, as in the first answer. */
  action?: RedirectAction;
  /** The agreement the registration declared, as the first answer showed it. */
  agreement?: Agreement | undefined;
}

/**
 * A retried request (same Idempotency-Key) whose first attempt created a transaction and died before storing
 * its answer: the transaction is reconciled with the acquirer and its outcome is the answer. undefined while the
 * acquirer's outcome is still unknown (or there is no such transaction): the retry then gets no stored answer.
 */
export async function resumeTransaction(
  deps: PaymentsDeps,
  merchantId: string,
  id: string,
): Promise<ResumedTransaction | undefined> {
  const t = await deps.storage.repos.transactions.getTransaction(merchantId, id);
  if (!t) return undefined;
  const after = await recoverTransaction(deps, t);
  if (after.stage === 'authorizing') return undefined;
  const details = await readTransaction(deps, merchantId, id);
  const agreement = declaresAgreements(details.transaction)
    ? await deps.storage.repos.agreements.findByTransaction(id)
    : undefined;
  const action = after.stage === 'challenge' ? challengeRedirect(deps, id) : undefined;
  return { details, ...(action ? { action } : {}), ...(agreement ? { agreement } : {}) };
}
