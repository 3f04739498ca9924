import { DomainError } from '../domain/domain-error.js';
import type { Transaction } from '../domain/transaction.js';
import type { PaymentsDeps, RequestContext } from './deps.js';
import type { PaymentResult } from '../domain/payment-result.js';
import { finalizeOrStored } from './finalize.js';
import { currentResult } from './payment-result.js';
import { recoverTransaction, releaseClaim } from './recover.js';
import { attemptDeadline } from './attempt.js';
import { attachToKey } from './idempotency.js';

type Operation = 'capture' | 'void';

/** What a capture was asked for; a void takes nothing. */
export interface SettleInput {
  /** Minor units, at most the authorised amount; absent: the whole authorised amount. */
  amount?: number | undefined;
}

function notAllowed(status: string, operation: Operation): DomainError {
  return new DomainError('captureNotAllowed', [
    {
      property: 'transactionId',
      message: `The transaction is ${status}; only an authorized one can be ${operation === 'void' ? 'voided' : 'captured'}.`,
    },
  ]);
}

/**
 * Completes (capture → settled) or releases (void → cancelled) a pre-authorisation. The transaction is
 * claimed by moving it to the `capturing`/`voiding` stage first, so a concurrent capture and void can't both
 * reach the acquirer, and a crash in between is reconciled by the recovery chore. The claim also ties the
 * transaction to the request's Idempotency-Key, so a retry after a crash gets the recovered outcome
 * (`resumePreauthorization`) instead of "only an authorized transaction can be captured".
 *
 * A capture of part of the hold writes the amount to capture into `amount` with the claim and keeps the
 * hold's own amount in `authorizedAmount`: whoever finishes the capture (this request, a retry, the recovery
 * chore) settles and notifies the amount the acquirer was asked to take, refunds count against it, and a
 * capture that didn't happen gives the hold its amount back (`releaseClaim`).
 */
export async function settlePreauthorization(
  deps: PaymentsDeps,
  merchantId: string,
  id: string,
  operation: Operation,
  ctx: RequestContext = {},
  input: SettleInput = {},
): Promise<PaymentResult> {
  const repos = deps.storage.repos;
  const t = await repos.transactions.getTransaction(merchantId, id);
  if (!t) throw new DomainError('transactionNotFound');
  const stage = operation === 'capture' ? 'capturing' : 'voiding';
  const acquirerDeadline = attemptDeadline(deps);
  const claimed =
    t.type === 'sale' &&
    t.status === 'authorized' &&
    (await deps.storage.transaction(async (trx): Promise<Transaction | undefined> => {
      // Read again under the row lock: the amount checked is the one this claim replaces.
      const held = await trx.transactions.lockTransaction(merchantId, id);
      if (!held || held.status !== 'authorized' || held.stage !== 'done') return undefined;
      const amount = operation === 'capture' ? (input.amount ?? held.amount) : held.amount;
      if (amount > held.amount) {
        throw new DomainError('captureExceedsAuthorized', [
          { property: 'amount', message: `At most ${held.amount} can be captured.` },
        ]);
      }
      const patch = operation === 'capture' ? { amount, authorizedAmount: held.amount } : {};
      const won = await trx.transactions.updateTransaction(
        t.id,
        { stage, modifiedAt: deps.clock.now(), acquirerDeadline, ...patch },
        { stage: 'done', status: 'authorized' },
      );
      if (!won) return undefined;
      if (ctx.idempotency) {
        await attachToKey(trx, ctx.idempotency, t.id);
      }
      return { ...held, stage, acquirerDeadline, ...patch };
    }));
  if (!claimed) throw notAllowed(t.status, operation);
  return applyPreauthorization(deps, claimed, operation);
}

/**
 * A capture or void retried with its Idempotency-Key after the first attempt died having claimed the
 * transaction: the transaction is reconciled with the acquirer; if the operation happened, that is the answer,
 * otherwise (the acquirer was never asked, or refused) the operation is done now, as the first attempt would
 * have. Undefined while the transaction is still in another process's hands.
 */
export async function resumePreauthorization(
  deps: PaymentsDeps,
  merchantId: string,
  id: string,
  operation: Operation,
  input: SettleInput = {},
): Promise<PaymentResult | undefined> {
  const repos = deps.storage.repos;
  const t = await repos.transactions.getTransaction(merchantId, id);
  if (!t) throw new DomainError('transactionNotFound');
  const after = await recoverTransaction(deps, t);
  if (after.stage !== 'done') return undefined;
  const done = operation === 'capture' ? 'settled' : 'cancelled';
  if (after.status === done) return currentResult(deps, after);
  try {
    return await settlePreauthorization(deps, merchantId, id, operation, {}, input);
  } catch (err) {
    if (!(err instanceof DomainError) || err.key !== 'captureNotAllowed') throw err;
    // Lost the claim. Two replays of one key (two instances, a client retrying twice) both get here: the other
    // one claimed the hold and is asking the acquirer. Its outcome is this key's answer, so "still in flight"
    // (the provisional answer stays), not "only an authorized one can be captured" — which, stored first by
    // the loser, used to be the key's final answer while the winner captured.
    const now = await deps.storage.repos.transactions.getTransaction(merchantId, id);
    if (now && now.stage !== 'done') return undefined;
    if (now?.status === done) return currentResult(deps, now);
    throw err;
  }
}

/**
 * Asks the acquirer and records the outcome; also used by recovery for a claim whose process died. When the
 * acquirer's answer doesn't come (timeout, failure), the transaction stays in its stage, as it is, for the
 * recovery chore to reconcile: the answer is the transaction still `authorized`, and a retry with the same
 * Idempotency-Key answers with the outcome once it is known.
 */
export async function applyPreauthorization(
  deps: PaymentsDeps,
  t: Transaction,
  operation: Operation,
): Promise<PaymentResult> {
  const request = {
    reference: t.id,
    amount: t.amount,
    currency: t.currency,
    deadline: t.acquirerDeadline ?? undefined,
  };
  const stage = operation === 'capture' ? 'capturing' : 'voiding';
  let result;
  try {
    result =
      operation === 'capture' ? await deps.acquirer.capture(request) : await deps.acquirer.void(request);
  } catch (err) {
    deps.log.error({ err, transactionId: t.id }, `acquirer ${operation} failed; leaving it for recovery`);
    const after = await recoverTransaction(deps, t);
    if (after.stage === stage) return currentResult(deps, after);
    if (after.status === 'authorized') {
      throw new DomainError('captureNotAllowed', [
        { property: 'transactionId', message: `The acquirer did not ${operation} the transaction.` },
      ]);
    }
    return currentResult(deps, after);
  }
  if (result.outcome !== 'approved') {
    // The acquirer refused: the hold stays as it was, for its whole amount.
    await deps.storage.repos.transactions.updateTransaction(t.id, releaseClaim(t), { stage });
    throw new DomainError('captureNotAllowed', [
      { property: 'transactionId', message: `The acquirer refused the ${operation} (${result.code}).` },
    ]);
  }
  const status = operation === 'capture' ? 'settled' : 'cancelled';
  const finalized = await finalizeOrStored(deps, {
    transaction: t,
    outcome: { status, statusCode: result.code },
    expectedStage: stage,
  });
  // Another finaliser came first: it read the same acquirer record, so this is only a guard.
  if (finalized.transaction.status === 'authorized') {
    throw new DomainError('captureNotAllowed', [
      { property: 'transactionId', message: `The acquirer did not ${operation} the transaction.` },
    ]);
  }
  return finalized;
}
