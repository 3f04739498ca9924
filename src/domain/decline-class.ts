import type { ResultCode } from './result-codes.js';

/**
 * What a decline means for trying again, as the card schemes read it:
 * - `hard`: the issuer will never approve this card for this merchant (lost, stolen, closed, invalid account;
 *   Visa category 1; Mastercard MAC 03 and 21). A reattempt is fined by the schemes: never retry.
 * - `soft`: may be approved later (insufficient funds, do not honour, issuer unavailable; Mastercard MAC 02,
 *   24–30), optionally not before `retryAfterMs` after the decline.
 * - `update_needed`: nothing will approve this card until the payer acts (expired card, Mastercard MAC 01,
 *   authentication required): no retry until the card is replaced.
 */
export type DeclineClassKind = 'hard' | 'soft' | 'update_needed';

export interface DeclineClass {
  kind: DeclineClassKind;
  /** For `soft`: the earliest retry, in ms after the decline; absent when the scheme names none. */
  retryAfterMs?: number | undefined;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const hard: DeclineClass = { kind: 'hard' };
const soft: DeclineClass = { kind: 'soft' };
const update: DeclineClass = { kind: 'update_needed' };
const softAfter = (retryAfterMs: number): DeclineClass => ({ kind: 'soft', retryAfterMs });

/**
 * Every imoje result code but `CODE_000` (approved) and its class. `satisfies` makes a new code in
 * `RESULT_CODES` a compile error here until it is classed.
 */
export const DECLINE_CLASSES = {
  CODE_01: soft,
  CODE_02: soft,
  CODE_03: hard,
  CODE_04: hard,
  CODE_05: soft,
  CODE_06: soft,
  CODE_07: hard,
  CODE_12: hard,
  CODE_13: hard,
  CODE_14: hard,
  CODE_15: hard,
  CODE_19: soft,
  CODE_30: soft,
  CODE_33: update,
  CODE_34: hard,
  CODE_39: hard,
  CODE_41: hard,
  CODE_43: hard,
  CODE_51: softAfter(DAY),
  CODE_54: update,
  CODE_55: soft,
  CODE_57: hard,
  CODE_58: hard,
  CODE_59: soft,
  CODE_61: softAfter(DAY),
  CODE_62: hard,
  CODE_63: soft,
  CODE_65: softAfter(DAY),
  CODE_75: soft,
  CODE_78: update,
  CODE_82: soft,
  CODE_91: softAfter(HOUR),
  CODE_92: softAfter(HOUR),
  CODE_93: hard,
  CODE_94: soft,
  CODE_96: softAfter(HOUR),
  CODE_99: soft,
  CODE_114: update,
  CODE_570: soft,
  CODE_581: soft,
  CODE_AC: hard,
  CODE_N0: soft,
  CODE_N8: soft,
  CODE_P1: softAfter(DAY),
  CODE_P9: soft,
  CODE_PF: hard,
  CODE_Q1: soft,
  CODE_SD: update,
  CODE_T3: hard,
  CODE_T5: hard,
  CODE_T8: hard,
  CODE_Z3: soft,
} as const satisfies Record<Exclude<ResultCode, 'CODE_000'>, DeclineClass>;

/**
 * Mastercard Merchant Advice Codes, which override the result code's class: 01 new account information
 * (update), 02 try again later, 03 do not try again, 21 payment cancellation (the payer cancelled the
 * recurring agreement: never again), 24–30 retry after 1 hour, 24 hours, 2, 4, 6, 8 and 10 days.
 */
export const MERCHANT_ADVICE = {
  '01': update,
  '02': soft,
  '03': hard,
  '21': hard,
  '24': softAfter(HOUR),
  '25': softAfter(DAY),
  '26': softAfter(2 * DAY),
  '27': softAfter(4 * DAY),
  '28': softAfter(6 * DAY),
  '29': softAfter(8 * DAY),
  '30': softAfter(10 * DAY),
} as const satisfies Record<string, DeclineClass>;

export type MerchantAdviceCode = keyof typeof MERCHANT_ADVICE;

export function isMerchantAdviceCode(value: string | null | undefined): value is MerchantAdviceCode {
  return value !== null && value !== undefined && Object.hasOwn(MERCHANT_ADVICE, value);
}

/**
 * The class of a decline: the Merchant Advice Code when the acquirer passed a known one, else the result code's
 * row; an unknown code is `soft` (the schemes' default is that a reattempt may be approved).
 */
export function classifyDecline(code: string, merchantAdvice?: string | null): DeclineClass {
  if (isMerchantAdviceCode(merchantAdvice)) return MERCHANT_ADVICE[merchantAdvice];
  return (DECLINE_CLASSES as Record<string, DeclineClass>)[code] ?? soft;
}

/** The earliest moment a reattempt may follow a decline at `declinedAt` (null: never, or not for a while). */
export function earliestRetryAt(cls: DeclineClass, declinedAt: number): number | null {
  if (cls.kind !== 'soft') return null;
  return declinedAt + (cls.retryAfterMs ?? 0);
}
