import type { Transaction } from '../domain/transaction.js';
import { lookupOutcome } from './authorize.js';
import type { PaymentsDeps } from './deps.js';
import { finalize, StageChangedError } from './finalize.js';

/**
 * Settles a payment left in `authorizing` (its process died between storing it and recording the acquirer's
 * answer) by asking the acquirer what happened under the transaction's reference.
 */
export async function recoverTransaction(deps: PaymentsDeps, t: Transaction): Promise<Transaction> {
  if (t.stage !== 'authorizing' || t.type !== 'sale') return t;
  const shop = await deps.storage.repos.merchants.getShopById(t.serviceId);
  const outcome = await lookupOutcome(deps, t.id, !(shop?.preauthEnabled ?? false));
  if (!outcome) return t;
  try {
    return (await finalize(deps, t, outcome, 'authorizing')).transaction;
  } catch (err) {
    if (!(err instanceof StageChangedError)) throw err;
    return (await deps.storage.repos.transactions.getTransactionById(t.id)) ?? t;
  }
}

/**
 * The recovery chore: every sale stuck in `authorizing` for longer than `graceMs` (far longer than any live
 * request takes) is reconciled with the acquirer and notified.
 */
export async function recoverStuckPayments(
  deps: PaymentsDeps,
  graceMs: number,
  limit = 100,
): Promise<number> {
  const stuck = await deps.storage.repos.transactions.listInStage(
    'authorizing',
    deps.clock.now() - graceMs,
    limit,
  );
  let recovered = 0;
  for (const t of stuck) {
    if (t.type !== 'sale') continue;
    const after = await recoverTransaction(deps, t);
    if (after.stage === 'done') recovered++;
  }
  return recovered;
}
