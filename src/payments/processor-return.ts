import type { Transaction } from '../domain/transaction.js';
import type { PaymentsDeps } from './deps.js';
import { recoverTransaction } from './recover.js';

export type ProcessorReturn =
  | { kind: 'unknown' }
  /** Final: the browser goes on to the shop's own return URL for that outcome. */
  | { kind: 'redirect'; url: string }
  /** Final, with no return URL to go to (a payment the shop created without one). */
  | { kind: 'final'; transaction: Transaction }
  /** The processor has not decided yet (or could not be read): the page offers to check again. */
  | { kind: 'waiting'; transaction: Transaction };

/**
 * The payer's browser back from the processor's 3-D Secure challenge (imoje upstream redirects it to
 * `/kartoteka/<acquirer>/return/{id}`, the return URL the connector gave). The outcome is read from the
 * acquirer exactly as recovery reads it (`lookup`, which reads upstream's transaction or what its notification
 * recorded) and finalised by the same compare-and-set on the stage, so whichever of this, the notification and
 * recovery comes first finalises the payment once; a reload only reads the result.
 */
export async function returnFromProcessorChallenge(
  deps: PaymentsDeps,
  transactionId: string,
): Promise<ProcessorReturn> {
  const t = await deps.storage.repos.transactions.getTransactionById(transactionId);
  if (!t || t.type !== 'sale') return { kind: 'unknown' };
  const after = t.stage === 'done' ? t : await recoverTransaction(deps, t);
  if (after.stage !== 'done') return { kind: 'waiting', transaction: after };
  const paid = after.status === 'settled' || after.status === 'authorized';
  const url = paid ? after.successReturnUrl : after.failureReturnUrl;
  return url ? { kind: 'redirect', url } : { kind: 'final', transaction: after };
}

/** Whether the gateway's acquirer challenges payers at the processor, so that the return endpoint exists. */
export function returnsFromProcessorChallenge(deps: PaymentsDeps): string | undefined {
  return deps.acquirer.simulatedChallenge ? undefined : deps.acquirer.name;
}
