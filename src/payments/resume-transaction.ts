import { challengeRedirect } from './challenge-redirect.js';
import type { RedirectAction } from './created-transaction.js';
import type { PaymentsDeps } from './deps.js';
import { readTransaction, type TransactionDetails } from './read-transaction.js';
import { recoverTransaction } from './recover.js';

export interface ResumedTransaction {
  details: TransactionDetails;
  /** Present while the payment waits for the payer's 3-D Secure challenge, as in the first answer. */
  action?: RedirectAction;
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
  return after.stage === 'challenge' ? { details, action: challengeRedirect(deps, id) } : { details };
}
