import type { ThreeDSecureDecision } from '../acquirer.js';

type Outcome = 'approved' | 'declined' | 'error';

export interface TestCard {
  threeDSecure: ThreeDSecureDecision;
  first: Outcome;
  /** Later payments on the stored card (profile debits, STANDARD). */
  later: Outcome;
  /**
   * How the acquirer answers, for the payment and every follow-up (capture, void, refund) on it. `slow`: it
   * thinks for the configured time (default 35 s), then decides and answers — refusing if the request's
   * deadline passed meanwhile; `hang`: it decides and records halfway to the request's deadline (at once if
   * there is none), and its answer never arrives.
   */
  latency?: 'slow' | 'hang';
  /** The result code of a declined later payment (default: `declineCode(amount)`). */
  laterCode?: string;
  /** The Mastercard Merchant Advice Code a declined later payment carries (docs/recurring.md). */
  merchantAdvice?: string;
  /**
   * Declines this many later payments of one stored credential (counted in the ledger by the first payment's
   * network id), then approves: a schedule that recovers.
   */
  declinesBeforeSuccess?: number;
}

/** imoje-api.md §9. Any other valid number behaves like 4111111111111111. */
export const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  '4111111111111111': { threeDSecure: 'frictionless', first: 'approved', later: 'approved' },
  '4485201817664006': { threeDSecure: 'frictionless', first: 'approved', later: 'declined' },
  '4444333322221111': { threeDSecure: 'frictionless', first: 'declined', later: 'declined' },
  '4012001037141112': { threeDSecure: 'challenge', first: 'approved', later: 'approved' },
  '4749601201390567': { threeDSecure: 'challenge', first: 'approved', later: 'declined' },
  '4934403892699132': { threeDSecure: 'challenge', first: 'declined', later: 'declined' },
  '4012001007002005': { threeDSecure: 'frictionless', first: 'error', later: 'error' },
  '4282513338596268': { threeDSecure: 'frictionless', first: 'approved', later: 'error' },
  '5555555555554444': { threeDSecure: 'frictionless', first: 'approved', later: 'approved' },
  '5454545454545454': { threeDSecure: 'challenge', first: 'approved', later: 'approved' },
  '4000000000003535': { threeDSecure: 'frictionless', first: 'approved', later: 'approved', latency: 'slow' },
  '4000000000009995': { threeDSecure: 'frictionless', first: 'approved', later: 'approved', latency: 'hang' },
  // One card per decline class (docs/recurring.md, "Retries and decline classes").
  '4000000000000515': {
    threeDSecure: 'frictionless',
    first: 'approved',
    later: 'declined',
    laterCode: 'CODE_51',
  },
  '4000000000000432': {
    threeDSecure: 'frictionless',
    first: 'approved',
    later: 'declined',
    laterCode: 'CODE_43',
  },
  '4000000000000549': {
    threeDSecure: 'frictionless',
    first: 'approved',
    later: 'declined',
    laterCode: 'CODE_54',
  },
  '5555000000000032': {
    threeDSecure: 'frictionless',
    first: 'approved',
    later: 'declined',
    laterCode: 'CODE_AC',
    merchantAdvice: '03',
  },
  '5555000000000214': {
    threeDSecure: 'frictionless',
    first: 'approved',
    later: 'declined',
    laterCode: 'CODE_PF',
    merchantAdvice: '21',
  },
  '4000000000000226': {
    threeDSecure: 'frictionless',
    first: 'approved',
    later: 'approved',
    laterCode: 'CODE_05',
    declinesBeforeSuccess: 2,
  },
};

export const DEFAULT_TEST_CARD: TestCard = TEST_CARDS['4111111111111111']!;

/**
 * The latency of the card a follow-up acts on. The acquirer's ledger keeps only the masked number (`****` and
 * the last four digits), so a follow-up recognises the slow and hanging cards by their last four digits.
 */
export function latencyForMasked(maskedPan: string | null): TestCard['latency'] {
  if (!maskedPan) return undefined;
  for (const [pan, card] of Object.entries(TEST_CARDS)) {
    if (card.latency && maskedPan.endsWith(pan.slice(-4))) return card.latency;
  }
  return undefined;
}

export function testCardFor(pan: string): TestCard {
  return TEST_CARDS[pan] ?? DEFAULT_TEST_CARD;
}

/** A rejection carries CODE_05, except an amount of exactly 1.00, which carries CODE_51. */
export function declineCode(amount: number): string {
  return amount === 100 ? 'CODE_51' : 'CODE_05';
}
