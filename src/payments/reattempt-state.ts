import { isReattempt, stateAfter, type CardRetryState } from '../domain/reattempt.js';
import { isFinal, type Transaction, type TransactionStatus } from '../domain/transaction.js';
import type { Repos } from '../storage/storage.js';
import type { RetryContext } from './payment-context.js';

/**
 * Whether {@link recordRetryState} may write for this outcome: false only where it surely writes nothing (most
 * payments), so a finaliser can take its one-statement path. The one place these rules live.
 */
export function retryStateMayChange(
  t: Transaction,
  outcome: { status: TransactionStatus },
  retry: RetryContext | undefined,
): boolean {
  if (t.type !== 'sale' || !t.cardId) return false;
  const paid = outcome.status === 'settled' || outcome.status === 'authorized';
  if (t.initiator !== 'MIT') return paid && (t.registers !== null || t.profileVariant === 'FIRST');
  // A reattempt holds the card's marker (or may: a finaliser without the request), whatever its outcome.
  if (!retry || isReattempt(retry.state)) return true;
  // An acquirer error is not the issuer's decline: nothing to learn from it.
  if (outcome.status !== 'rejected' && !paid) return false;
  // A clean card's approval, the common case, writes nothing.
  return !(paid && retry && !retry.state);
}

/**
 * Keeps the card's retry state (src/domain/reattempt.ts) in step with a finalised payment, inside the
 * finalising database transaction. A merchant-initiated debit records its decline or ends a run of declines;
 * a paid registration (a profile or `FIRST`) forgets the card's declines: the payer is back.
 */
export async function recordRetryState(
  repos: Repos,
  t: Transaction,
  outcome: { status: TransactionStatus; statusCode: string; merchantAdvice?: string | undefined },
  retry: RetryContext | undefined,
  now: number,
): Promise<void> {
  if (!t.cardId || !retryStateMayChange(t, outcome, retry)) return;
  if (t.initiator !== 'MIT') {
    // A paid registration (the only customer-initiated case the guard lets through).
    await repos.cardRetry.clearForCard(t.merchantId, t.cardId);
    return;
  }
  const declined = outcome.status === 'rejected';
  let card = retry;
  if (!card) {
    // A finaliser without the request (recovery): the card the request charged.
    const sealed = await repos.cards.getCard(t.cardId);
    if (!sealed) return;
    card = { fingerprint: sealed.fingerprint, month: sealed.month, year: sealed.year, state: undefined };
  }
  // The state as it is now, not as the request read it: another debit of the card may have been finalised
  // since (two subscriptions, a merchant's own debit), and its decline must count too. Finalisers of one card
  // take their turn (a lock on the card's state until this transaction ends), so neither overwrites the other.
  const state = await repos.cardRetry.getForUpdate(t.merchantId, card.fingerprint);
  if (outcome.status !== 'rejected' && outcome.status !== 'settled' && outcome.status !== 'authorized') {
    // An acquirer error is not the issuer's decline: nothing to learn from it but that this reattempt is over.
    if (state?.reattemptInFlight === t.id)
      await repos.cardRetry.releaseReattempt(t.merchantId, card.fingerprint, t.id);
    return;
  }
  const next = stateAfter(
    state,
    declined
      ? { declined: true, code: outcome.statusCode, merchantAdvice: outcome.merchantAdvice }
      : { declined: false },
    card,
    now,
  );
  if (next) await repos.cardRetry.put(t.merchantId, card.fingerprint, next, now, t.id);
}

/**
 * The card's retry state as the reattempt rules should see it: a reattempt marker naming a transaction that is
 * already final is ignored. Its finalisation clears the marker in the same database transaction, so this only
 * guards against a card blocked for good by a marker nothing would ever clear. Reads only when a marker is set.
 * The state as stored (marker included) is still what the debit's INSERT compares with.
 */
export async function liveRetryState(
  repos: Repos,
  merchantId: string,
  state: CardRetryState | undefined,
): Promise<CardRetryState | undefined> {
  if (!state?.reattemptInFlight) return state;
  const inFlight = await repos.transactions.getTransaction(merchantId, state.reattemptInFlight);
  return inFlight && !isFinal(inFlight.status) ? state : { ...state, reattemptInFlight: null };
}
