import { DomainError } from './domain-error.js';
import { ERROR_CATALOG } from './error-catalog.js';
import { classifyDecline, type DeclineClassKind } from './decline-class.js';

/**
 * The schemes' reattempt rules, for merchant-initiated debits of a stored card (docs/recurring.md).
 *
 * A **reattempt** is a merchant-initiated debit (a `RECURRING` profile debit, a `STANDARD` recurring debit, a
 * scheduled cycle) of a card — one merchant, one card number (its fingerprint) — whose last finalised
 * merchant-initiated debit was declined (`rejected`). It is refused, before the acquirer is asked:
 * - after a **hard** decline of that card, ever (until the payer registers the card again);
 * - after an **update-needed** decline, until the card changes (a new expiry date, or a new registration);
 * - before a **soft** decline's earliest retry time;
 * - when it would be the 16th reattempt of the card within 30 days (Visa: at most 15);
 * - while another reattempt of the card is with the acquirer: one at a time, so each is decided on the outcome
 *   of the one before and counted before the next.
 * An approved debit ends the run of declines (the next debit is not a reattempt); the 30-day count is kept.
 */
export interface CardRetryState {
  /** The last finalised merchant-initiated debit was declined at this moment; null when it settled. */
  lastDeclineAt: number | null;
  declineClass: DeclineClassKind | null;
  /** A soft decline's earliest retry. */
  retryAfter: number | null;
  /** Set by a hard decline; cleared only by a new registration of the card. */
  hardDeclinedAt: number | null;
  /** `MM/YYYY` of the card an update-needed decline refused: the same expiry is refused again. */
  declinedExpiry: string | null;
  /** Start of the 30-day window the reattempts are counted in. */
  windowStartedAt: number | null;
  reattempts: number;
  /**
   * The pending transaction of the reattempt of this card now with the acquirer, if any: set by the statement
   * that stores its pending row, cleared when it is finalised.
   */
  reattemptInFlight: string | null;
}

export const REATTEMPT_WINDOW_MS = 30 * 86_400_000;
export const MAX_REATTEMPTS = 15;

export type ReattemptRefusal =
  | { reason: 'hard_decline' }
  | { reason: 'update_needed' }
  | { reason: 'too_early'; until: number }
  | { reason: 'limit'; until: number }
  | { reason: 'in_progress'; transactionId: string };

export function expiryOf(card: { month: string; year: string }): string {
  return `${card.month}/${card.year}`;
}

/**
 * Why a debit of the card at `now` would be a reattempt the schemes fine; null when it may go. The caller has
 * nulled `reattemptInFlight` if that transaction is already finalised (see `liveRetryState`).
 */
export function reattemptRefusal(
  state: CardRetryState | undefined,
  card: { month: string; year: string },
  now: number,
): ReattemptRefusal | null {
  if (!state) return null;
  if (state.hardDeclinedAt !== null) return { reason: 'hard_decline' };
  if (state.lastDeclineAt === null) return null;
  if (state.declineClass === 'update_needed' && state.declinedExpiry === expiryOf(card)) {
    return { reason: 'update_needed' };
  }
  if (state.retryAfter !== null && now < state.retryAfter)
    return { reason: 'too_early', until: state.retryAfter };
  const windowOpen = state.windowStartedAt !== null && now < state.windowStartedAt + REATTEMPT_WINDOW_MS;
  if (windowOpen && state.reattempts >= MAX_REATTEMPTS) {
    return { reason: 'limit', until: state.windowStartedAt! + REATTEMPT_WINDOW_MS };
  }
  if (state.reattemptInFlight !== null)
    return { reason: 'in_progress', transactionId: state.reattemptInFlight };
  return null;
}

/** Whether a debit of the card, allowed on this state, is a reattempt: its last MIT debit was declined. */
export function isReattempt(state: CardRetryState | undefined): boolean {
  return state !== undefined && state.lastDeclineAt !== null;
}

/**
 * The state after a merchant-initiated debit of the card was finalised at `now`: `declined` with its result
 * code and Merchant Advice Code, or approved. Null when there is nothing to remember (no state, approved).
 * `reattemptInFlight` is carried over as it was: the store clears it when the finalised debit is the one it
 * names (`CardRetryRepo.put`).
 */
export function stateAfter(
  before: CardRetryState | undefined,
  outcome: { declined: false } | { declined: true; code: string; merchantAdvice?: string | null | undefined },
  card: { month: string; year: string },
  now: number,
): CardRetryState | null {
  if (!outcome.declined && !before) return null;
  const wasReattempt = before !== undefined && before.lastDeclineAt !== null;
  let windowStartedAt = before?.windowStartedAt ?? null;
  let reattempts = before?.reattempts ?? 0;
  if (wasReattempt) {
    if (windowStartedAt === null || now >= windowStartedAt + REATTEMPT_WINDOW_MS) {
      windowStartedAt = now;
      reattempts = 1;
    } else {
      reattempts += 1;
    }
  }
  if (!outcome.declined) {
    return {
      lastDeclineAt: null,
      declineClass: null,
      retryAfter: null,
      hardDeclinedAt: before?.hardDeclinedAt ?? null,
      declinedExpiry: null,
      windowStartedAt,
      reattempts,
      reattemptInFlight: before?.reattemptInFlight ?? null,
    };
  }
  const cls = classifyDecline(outcome.code, outcome.merchantAdvice);
  return {
    lastDeclineAt: now,
    declineClass: cls.kind,
    retryAfter: cls.kind === 'soft' && cls.retryAfterMs ? now + cls.retryAfterMs : null,
    hardDeclinedAt: cls.kind === 'hard' ? now : (before?.hardDeclinedAt ?? null),
    declinedExpiry: cls.kind === 'update_needed' ? expiryOf(card) : null,
    windowStartedAt,
    reattempts,
    reattemptInFlight: before?.reattemptInFlight ?? null,
  };
}

const REFUSAL_ERROR = {
  hard_decline: 'reattemptAfterHardDecline',
  update_needed: 'reattemptNeedsCardUpdate',
  too_early: 'reattemptTooEarly',
  limit: 'reattemptLimitReached',
  in_progress: 'reattemptInProgress',
} as const;

const REFUSAL_ERRORS: ReadonlySet<string> = new Set(Object.values(REFUSAL_ERROR));

/** Whether an error key is one of {@link assertReattemptAllowed}'s refusals. */
export function isReattemptRefusal(key: string): boolean {
  return REFUSAL_ERRORS.has(key);
}

/** Throws the catalogued refusal for a reattempt the schemes would fine (see {@link reattemptRefusal}). */
export function assertReattemptAllowed(
  state: CardRetryState | undefined,
  card: { month: string; year: string },
  now: number,
  property: string,
): void {
  const refusal = reattemptRefusal(state, card, now);
  if (!refusal) return;
  const until = 'until' in refusal ? ` Not before ${new Date(refusal.until).toISOString()}.` : '';
  throw new DomainError(REFUSAL_ERROR[refusal.reason], [
    { property, message: `${ERROR_CATALOG[REFUSAL_ERROR[refusal.reason]].message}${until}` },
  ]);
}
