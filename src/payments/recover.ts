import type { AcquirerOperation } from '../acquirer/acquirer.js';
import type { Transaction } from '../domain/transaction.js';
import type { TransactionPatch } from '../storage/transaction-repo.js';
import { lookupOutcome } from './authorize.js';
import { attemptEnded } from './attempt.js';
import type { PaymentsDeps } from './deps.js';
import { finalize, outcomeOf, StageChangedError, type Outcome } from './finalize.js';

/** What the acquirer recorded for the operation a stuck transaction was waiting on. */
async function outcomeFor(deps: PaymentsDeps, t: Transaction): Promise<Outcome | undefined> {
  if (t.stage === 'authorizing' && t.type === 'sale') {
    const shop = await deps.storage.repos.merchants.getShopById(t.serviceId);
    return lookupOutcome(deps, t, !(shop?.preauthEnabled ?? false));
  }
  const operation: AcquirerOperation | undefined =
    t.stage === 'authorizing'
      ? 'refund'
      : t.stage === 'capturing'
        ? 'capture'
        : t.stage === 'voiding'
          ? 'void'
          : undefined;
  if (!operation) return undefined;
  let found;
  try {
    found = await deps.acquirer.lookup(t.id, operation);
  } catch (err) {
    deps.log.error({ err, transactionId: t.id }, 'acquirer lookup failed; leaving it for recovery');
    return undefined;
  }
  // As for payments: no record before the request's deadline only means "not yet" (lookupOutcome).
  if (!found && !attemptEnded(deps, t)) return undefined;
  if (operation === 'refund') {
    return found ? outcomeOf(found, true) : { status: 'error', statusCode: 'CODE_99' };
  }
  if (!found || found.outcome !== 'approved') {
    // The capture/void never happened: the pre-authorisation is still held, for its whole amount.
    await deps.storage.repos.transactions.updateTransaction(t.id, releaseClaim(t), { stage: t.stage });
    return undefined;
  }
  return { status: operation === 'capture' ? 'settled' : 'cancelled', statusCode: found.code };
}

/**
 * The patch that ends a claim whose capture or void did not happen: back to `done` and, for a capture, the
 * hold's own amount again (kept in `authorizedAmount` since the claim; rows claimed before it existed have
 * none and never changed `amount`).
 */
export function releaseClaim(t: Transaction): TransactionPatch {
  if (t.stage !== 'capturing' || t.authorizedAmount === undefined || t.authorizedAmount === null) {
    return { stage: 'done' };
  }
  return { stage: 'done', amount: t.authorizedAmount, authorizedAmount: null };
}

/**
 * Settles a transaction left waiting on the acquirer (its process died between storing it and recording the
 * acquirer's answer) by asking the acquirer what happened under the transaction's reference.
 */
export async function recoverTransaction(deps: PaymentsDeps, t: Transaction): Promise<Transaction> {
  if (t.stage === 'done' || t.stage === 'challenge') return t;
  const outcome = await outcomeFor(deps, t);
  if (!outcome) return (await deps.storage.repos.transactions.getTransactionById(t.id)) ?? t;
  try {
    return (await finalize(deps, { transaction: t, outcome, expectedStage: t.stage })).transaction;
  } catch (err) {
    if (!(err instanceof StageChangedError)) throw err;
    return (await deps.storage.repos.transactions.getTransactionById(t.id)) ?? t;
  }
}

/**
 * The recovery chore: every transaction stuck waiting on the acquirer for longer than `graceMs` (far longer
 * than any live request takes) is reconciled with the acquirer and notified — settled by what the acquirer
 * recorded, or, once the request's deadline has passed without a record, as never done.
 */
export async function recoverStuckPayments(
  deps: PaymentsDeps,
  graceMs: number,
  limit = 100,
  options: { clockShops?: boolean } = {},
): Promise<number> {
  let recovered = 0;
  const repo = deps.storage.repos.transactions;
  const now = deps.clock.now();
  for (const stage of ['authorizing', 'capturing', 'voiding'] as const) {
    const stuck = await repo.listInStage(stage, now - graceMs, limit, { skipClockShops: options.clockShops });
    // Sandbox: a test-clock shop's modifiedAt is its frozen time, so its attempts are aged by their deadline
    // (real time): started more than `graceMs` ago means a deadline before now - graceMs + the expiry.
    if (options.clockShops) {
      stuck.push(
        ...(await repo.listInStageOfClockShops(stage, now - graceMs + deps.acquirerExpiryMs, limit)),
      );
    }
    for (const t of stuck) {
      const after = await recoverTransaction(deps, t);
      if (after.stage === 'done') recovered++;
    }
  }
  return recovered;
}
