import type { PaymentProfile } from '../domain/profile.js';
import type { Transaction } from '../domain/transaction.js';
import type { Shop } from '../storage/merchant-repo.js';
import { attemptDeadline } from './attempt.js';
import { authorizeAndFinalize } from './authorize.js';
import { challengeEvent } from './transaction-events.js';
import type { PaymentsDeps } from './deps.js';
import { declaresAgreements, finalize, StageChangedError } from './finalize.js';
import { recurringData } from './declare-agreement.js';
import type { AgreementTerms } from '../domain/agreement.js';
import { atShopTime } from './shop-time.js';

export type ChallengeView =
  | { kind: 'unknown' }
  | { kind: 'final'; transaction: Transaction }
  | {
      kind: 'open';
      transaction: Transaction;
      shop: Shop;
      maskedCard: string;
      brand: string;
      /** The recurring agreement the payer consents to, when the registration declared one. */
      agreement?: AgreementTerms | undefined;
    };

/**
 * Past `challengeExpiresAt` (the same strict comparison the expiry chore queries with), whether or not a
 * worker has run since.
 */
export function challengeExpired(t: Transaction, now: number): boolean {
  return t.stage === 'challenge' && t.challengeExpiresAt !== null && t.challengeExpiresAt < now;
}

/** How an expired challenge ends: rejected with CODE_570, notified. */
const EXPIRED = { status: 'rejected', statusCode: 'CODE_570' } as const;

/**
 * Ends an expired challenge exactly as the expiry chore does, and returns what the payment is now. The one
 * compare-and-set on the `challenge` stage (in `finalize`) decides between this, the chore in another process
 * and a concurrent completion; whoever loses reads the winner's result.
 */
async function expire(deps: PaymentsDeps, t: Transaction): Promise<Transaction> {
  try {
    return (await finalize(deps, { transaction: t, outcome: EXPIRED, expectedStage: 'challenge' }))
      .transaction;
  } catch (err) {
    if (!(err instanceof StageChangedError)) throw err;
    return (await deps.storage.repos.transactions.getTransactionById(t.id)) ?? t;
  }
}

/**
 * What the 3-D Secure page shows. A challenge past its expiry is ended here as the chore would end it, so the
 * page never offers an answer that can no longer be given (the worker may run in another process, or lag).
 */
export async function viewChallenge(base: PaymentsDeps, id: string): Promise<ChallengeView> {
  const repos = base.storage.repos;
  const t = await repos.transactions.getTransactionById(id);
  if (!t) return { kind: 'unknown' };
  if (t.stage !== 'challenge') return { kind: 'final', transaction: t };
  const shop = await repos.merchants.getShopById(t.serviceId);
  const deps = shop ? atShopTime(base, shop) : base;
  if (challengeExpired(t, deps.clock.now())) return { kind: 'final', transaction: await expire(deps, t) };
  const card = t.cardId ? await repos.cards.getCard(t.cardId) : undefined;
  if (!shop || !card) return { kind: 'unknown' };
  const agreement = declaresAgreements(t) ? await repos.agreements.findByTransaction(t.id) : undefined;
  return {
    kind: 'open',
    transaction: t,
    shop,
    maskedCard: `****${card.last4}`,
    brand: card.brand,
    agreement: agreement?.terms,
  };
}

export type ChallengeResult =
  | { kind: 'unknown' }
  | { kind: 'final'; transaction: Transaction }
  | {
      kind: 'completed';
      transaction: Transaction;
      profile: PaymentProfile | undefined;
      redirectUrl: string | null;
    };

/**
 * The payer passed or failed the challenge. Exactly one completion wins (compare-and-set on the stage); a
 * second submission changes nothing. One after `challengeExpiresAt` is refused whether or not the expiry chore
 * has run yet (it may run in a separate process): the payment ends as the chore ends it, rejected with
 * CODE_570 and notified, and the answer is the same as for a challenge the chore expired.
 */
export async function completeChallenge(
  base: PaymentsDeps,
  id: string,
  passed: boolean,
): Promise<ChallengeResult> {
  const repos = base.storage.repos;
  const t = await repos.transactions.getTransactionById(id);
  if (!t) return { kind: 'unknown' };
  if (t.stage !== 'challenge') return { kind: 'final', transaction: t };
  const shop = await repos.merchants.getShopById(t.serviceId);
  if (!shop) return { kind: 'unknown' };
  // Expiry and what follows run at the shop's time (its test clock's, in the sandbox).
  const deps = atShopTime(base, shop);
  if (challengeExpired(t, deps.clock.now())) return { kind: 'final', transaction: await expire(deps, t) };
  try {
    let result: { transaction: Transaction; profile: PaymentProfile | undefined };
    if (!passed) {
      await repos.events.record(challengeEvent(t.id, deps.clock.now(), 'challenge-answered', 'failed'));
      result = await finalize(deps, {
        transaction: t,
        outcome: { status: 'rejected', statusCode: 'CODE_570' },
        expectedStage: 'challenge',
        context: { shop },
      });
    } else {
      const now = deps.clock.now();
      const acquirerDeadline = attemptDeadline(deps);
      const claimed = await deps.storage.transaction(async (trx) => {
        const won = await trx.transactions.updateTransaction(
          t.id,
          { stage: 'authorizing', modifiedAt: now, challengeExpiresAt: null, acquirerDeadline },
          { stage: 'challenge' },
        );
        if (won) await trx.events.record(challengeEvent(t.id, now, 'challenge-answered', 'passed'));
        return won;
      });
      if (!claimed) throw new StageChangedError(t.id);
      const agreement = declaresAgreements(t) ? await repos.agreements.findByTransaction(t.id) : undefined;
      result = await authorizeAndFinalize(deps, {
        transaction: { ...t, stage: 'authorizing', modifiedAt: now, acquirerDeadline },
        context: { shop },
        request: {
          initiator: 'CIT',
          storedCredential: t.registers || t.profileVariant === 'FIRST' ? 'first' : 'none',
          threeDSecure: 'passed',
          recurring: agreement ? recurringData(agreement.terms) : undefined,
        },
      });
    }
    const ok = result.transaction.status === 'settled' || result.transaction.status === 'authorized';
    return { kind: 'completed', ...result, redirectUrl: ok ? t.successReturnUrl : t.failureReturnUrl };
  } catch (err) {
    if (!(err instanceof StageChangedError)) throw err;
    const latest = await repos.transactions.getTransactionById(id);
    return { kind: 'final', transaction: latest ?? t };
  }
}

/**
 * A challenge nobody completed in time ends as rejected with CODE_570, and its notification goes out. The
 * worker runs it at the wall clock for every shop without a test clock (`skipClockShops`); a test-clock shop's
 * challenges expire at its own time, through `shopId` (its advance, `challengeExpiryWork`).
 */
export async function expireAbandonedChallenges(
  deps: PaymentsDeps,
  limit = 100,
  scope: { shopId?: string; skipClockShops?: boolean } = {},
): Promise<number> {
  const now = deps.clock.now();
  const stale = await deps.storage.repos.transactions.listInStage('challenge', now, limit, scope);
  let expired = 0;
  for (const t of stale) {
    try {
      await finalize(deps, { transaction: t, outcome: EXPIRED, expectedStage: 'challenge' });
      expired++;
    } catch (err) {
      if (!(err instanceof StageChangedError)) throw err;
    }
  }
  return expired;
}
