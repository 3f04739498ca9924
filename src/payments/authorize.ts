import {
  AcquirerRefusedError,
  AcquirerUnreachableError,
  type AuthorizeRequest,
} from '../acquirer/acquirer.js';
import { DomainError } from '../domain/domain-error.js';
import type { Transaction } from '../domain/transaction.js';
import type { ClearCard } from '../vault/vault.js';
import { attemptEnded } from './attempt.js';
import { challengeRedirect } from './challenge-redirect.js';
import type { CreatedTransaction } from './created-transaction.js';
import type { PaymentsDeps } from './deps.js';
import { finalize, finalizeOrStored, outcomeOf, StageChangedError, type Outcome } from './finalize.js';
import type { PaymentContext } from './payment-context.js';

export type AuthorizeOptions = Omit<
  AuthorizeRequest,
  'reference' | 'amount' | 'currency' | 'card' | 'capture' | 'deadline'
>;

export interface AuthorizeAndFinalizeOptions {
  /** Stored as `pending`, stage `authorizing`, with its card. */
  transaction: Transaction;
  /** What the request loaded: the shop decides between a sale and a pre-authorisation. */
  context: PaymentContext;
  /** How the card is used (initiator, stored credential, CVV, 3-D Secure result). */
  request: AuthorizeOptions;
}

/**
 * Asks the acquirer to authorize a transaction already stored as `pending` (stage `authorizing`), then
 * finalises it. If the acquirer call itself fails (an integration fault, not a decline), the outcome is
 * unknown: we ask the acquirer what it recorded under our reference, and if it can't tell either (or has no
 * record yet, while it may still act on the request), the transaction stays pending for the recovery chore
 * rather than being guessed.
 */
export async function authorizeAndFinalize(
  deps: PaymentsDeps,
  o: AuthorizeAndFinalizeOptions,
): Promise<CreatedTransaction> {
  const { transaction: t, context } = o;
  if (!t.cardId) throw new Error(`transaction ${t.id} has no card`);
  const capture = !context.shop.preauthEnabled;
  let outcome: Outcome | undefined;
  try {
    const authorize = (card: ClearCard) =>
      deps.acquirer.authorize({
        ...o.request,
        reference: t.id,
        amount: t.amount,
        currency: t.currency,
        card,
        capture,
        deadline: t.acquirerDeadline ?? undefined,
      });
    const result = context.card
      ? await deps.vault.withSealedCard(context.card, authorize)
      : await deps.vault.withCard(t.cardId, authorize);
    if (result.outcome === 'challenge') {
      // The processor challenges the payer itself: the payment waits on the acquirer (stage `authorizing`)
      // until the payer returns, its notification arrives or recovery reads it — whichever finalises first.
      return {
        transaction: t,
        profile: context.profile,
        shopNotificationUrl: context.shop.notificationUrl,
        action: challengeRedirect(deps, t.id, result.url),
      };
    }
    outcome = outcomeOf(result, capture);
  } catch (err) {
    if (err instanceof Error && err.cause instanceof AcquirerRefusedError) {
      await refused(deps, o, err.cause);
    }
    if (err instanceof Error && err.cause instanceof AcquirerUnreachableError) {
      // The request never reached the processor: nothing was charged. The shop is told at once (503); the
      // transaction stays pending until its deadline, after which recovery closes it as never done.
      deps.log.warn({ transactionId: t.id }, 'acquirer unreachable; the payment was not sent');
      throw new DomainError('acquirerUnreachable');
    }
    deps.log.error({ err, transactionId: t.id }, 'acquirer authorize failed; looking the payment up');
    outcome = await lookupOutcome(deps, t, capture);
  }
  if (!outcome) {
    // Still waiting on the acquirer: the answer is the transaction as stored, with what the request loaded.
    return {
      transaction: t,
      profile: context.profile,
      shopNotificationUrl: context.shop.notificationUrl,
    };
  }
  // Another finaliser may have recorded the outcome first (the recovery chore, when this request stalled longer
  // than its grace period): what it stored, from the same acquirer record, is then the answer, not a 500.
  return finalizeOrStored(deps, { transaction: t, outcome, expectedStage: 'authorizing', context });
}

/**
 * The processor refused the request without acting on it, and the connector recorded that: the payment ends
 * `error` (nothing charged, not left pending) and the shop gets a request error instead of a transaction —
 * its own 400 with the processor's field errors when the request was at fault, a 503 when the gateway's
 * set-up with the processor is (logged for the operator; the processor's message carries no secret).
 */
async function refused(
  deps: PaymentsDeps,
  o: AuthorizeAndFinalizeOptions,
  why: AcquirerRefusedError,
): Promise<never> {
  const t = o.transaction;
  try {
    await finalize(deps, {
      transaction: t,
      outcome: { status: 'error', statusCode: 'CODE_99' },
      expectedStage: 'authorizing',
      context: o.context,
    });
  } catch (err) {
    if (!(err instanceof StageChangedError)) throw err;
  }
  if (why.fault === 'processor') {
    deps.log.error(
      { transactionId: t.id, reason: why.message },
      'the card processor refused the gateway’s credentials or set-up; check the connector’s configuration',
    );
    throw new DomainError('upstreamSetupRefused');
  }
  throw new DomainError('upstreamRequestRefused', [...why.errors], why.message);
}

/** What the acquirer recorded for the transaction; undefined when that can't be known right now. */
export async function lookupOutcome(
  deps: PaymentsDeps,
  t: Transaction,
  capture: boolean,
): Promise<Outcome | undefined> {
  try {
    const found = await deps.acquirer.lookup(t.id, 'authorize');
    if (found) return outcomeOf(found, capture);
    // No record *yet* proves nothing while the acquirer may still act on the request (a slow answer, or one
    // the gateway stopped waiting for). Only after the request's deadline does it mean: never charged.
    if (!attemptEnded(deps, t)) return undefined;
    return { status: 'error', statusCode: 'CODE_99' };
  } catch (err) {
    deps.log.error({ err, transactionId: t.id }, 'acquirer lookup failed; leaving the payment for recovery');
    return undefined;
  }
}
