import { expireAbandonedChallenges } from './challenge.js';
import type { PaymentsDeps } from './deps.js';
import type { DueWork } from './due-work.js';
import { atTime } from './shop-time.js';

const BATCH = 100;

/** A test-clock shop's abandoned challenges, expired at its time (rejected with CODE_570, notified). */
export function challengeExpiryWork(deps: PaymentsDeps): DueWork {
  return {
    name: 'challenge-expiry',
    async nextDueAt(shopId) {
      const at = await deps.storage.repos.transactions.nextChallengeExpiry(shopId);
      // Expired strictly after `challengeExpiresAt` (challengeExpired), so due one millisecond later.
      return at === null ? null : at + 1;
    },
    async runDue(shopId, now) {
      let total = 0;
      for (;;) {
        const n = await expireAbandonedChallenges(atTime(deps, now), BATCH, { shopId });
        total += n;
        if (n < BATCH) return total;
      }
    },
  };
}
