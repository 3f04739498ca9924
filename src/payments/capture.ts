import { DomainError } from '../domain/domain-error.js';
import type { PaymentProfile } from '../domain/profile.js';
import type { Transaction } from '../domain/transaction.js';
import type { PaymentsDeps } from './deps.js';
import { finalize } from './finalize.js';

type Operation = 'capture' | 'void';

/**
 * Completes (capture → settled) or releases (void → cancelled) a pre-authorisation. The transaction is
 * claimed by moving it to the `capturing`/`voiding` stage first, so a concurrent capture and void can't both
 * reach the acquirer, and a crash in between is reconciled by the recovery chore.
 */
export async function settlePreauthorization(
  deps: PaymentsDeps,
  merchantId: string,
  id: string,
  operation: Operation,
): Promise<{ transaction: Transaction; profile: PaymentProfile | undefined }> {
  const repos = deps.storage.repos;
  const t = await repos.transactions.getTransaction(merchantId, id);
  if (!t) throw new DomainError('transactionNotFound');
  const stage = operation === 'capture' ? 'capturing' : 'voiding';
  const claimed =
    t.type === 'sale' &&
    t.status === 'authorized' &&
    (await repos.transactions.updateTransaction(
      t.id,
      { stage, modifiedAt: deps.clock.now() },
      { stage: 'done', status: 'authorized' },
    ));
  if (!claimed) {
    throw new DomainError('captureNotAllowed', [
      {
        property: 'transactionId',
        message: `The transaction is ${t.status}; only an authorized one can be ${operation}d.`,
      },
    ]);
  }
  return applyPreauthorization(deps, { ...t, stage }, operation);
}

/** Asks the acquirer and records the outcome; also used by recovery for a claim whose process died. */
export async function applyPreauthorization(
  deps: PaymentsDeps,
  t: Transaction,
  operation: Operation,
): Promise<{ transaction: Transaction; profile: PaymentProfile | undefined }> {
  const request = { reference: t.id, amount: t.amount, currency: t.currency };
  const result =
    operation === 'capture' ? await deps.acquirer.capture(request) : await deps.acquirer.void(request);
  const stage = operation === 'capture' ? 'capturing' : 'voiding';
  if (result.outcome !== 'approved') {
    // The acquirer refused: the hold stays as it was.
    await deps.storage.repos.transactions.updateTransaction(t.id, { stage: 'done' }, { stage });
    throw new DomainError('captureNotAllowed', [
      { property: 'transactionId', message: `The acquirer refused the ${operation} (${result.code}).` },
    ]);
  }
  const status = operation === 'capture' ? 'settled' : 'cancelled';
  return finalize(deps, t, { status, statusCode: result.code }, stage);
}
