import type { Storage } from '../storage/storage.js';
import type { DueWork } from './due-work.js';

const BATCH = 500;

/** A test-clock shop's Idempotency-Keys, forgotten once its clock passes their expiry. */
export function idempotencyExpiryWork(storage: Storage): DueWork {
  return {
    name: 'idempotency-expiry',
    async nextDueAt(shopId) {
      const at = await storage.repos.idempotency.nextExpiry(shopId);
      // Kept through `expiresAt` (deleteExpired: expiresAt < now), so due one millisecond later.
      return at === null ? null : at + 1;
    },
    async runDue(shopId, now) {
      let total = 0;
      for (;;) {
        const n = await storage.repos.idempotency.deleteExpired(now, BATCH, shopId);
        total += n;
        if (n < BATCH) return total;
      }
    },
  };
}
