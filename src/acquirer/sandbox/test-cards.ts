import type { ThreeDSecureDecision } from '../acquirer.js';

type Outcome = 'approved' | 'declined' | 'error';

export interface TestCard {
  threeDSecure: ThreeDSecureDecision;
  first: Outcome;
  /** Later payments on the stored card (profile debits, STANDARD). */
  later: Outcome;
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
};

export const DEFAULT_TEST_CARD: TestCard = TEST_CARDS['4111111111111111']!;

export function testCardFor(pan: string): TestCard {
  return TEST_CARDS[pan] ?? DEFAULT_TEST_CARD;
}

/** A rejection carries CODE_05, except an amount of exactly 1.00, which carries CODE_51. */
export function declineCode(amount: number): string {
  return amount === 100 ? 'CODE_51' : 'CODE_05';
}
