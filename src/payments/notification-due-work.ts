import { newId } from '../domain/ids.js';
import { deliverOne, type DeliveryDeps } from '../notifications/deliver.js';
import type { DueWork } from './due-work.js';

const BATCH = 50;

/**
 * A test-clock shop's notifications, sent when its clock reaches their next attempt: one at a time, in time
 * order, each outcome (and the next retry, at the shop's time) written before the next is sent.
 */
export function notificationWork(deps: DeliveryDeps): DueWork {
  const leaseMs = 2 * deps.timeoutMs + 10_000;
  return {
    name: 'notifications',
    nextDueAt: (shopId) => deps.storage.repos.notifications.nextDueAt(shopId),
    async runDue(shopId, now) {
      const atShopTime: DeliveryDeps = { ...deps, clock: { now: () => now } };
      let total = 0;
      for (;;) {
        // Its own claim name each round. Due at the shop's time, locked in real time: an advance that moves
        // the clock meanwhile must still see a row in flight as taken.
        const owner = `test-clock:${newId().slice(0, 12)}`;
        const wallNow = deps.clock.now();
        const lock = { owner, until: wallNow + leaseMs, wallNow };
        const rows = await deps.storage.repos.notifications.claimDue(now, lock, BATCH, { shopId });
        for (const row of rows) {
          await deliverOne(atShopTime, row, owner);
          total++;
        }
        if (rows.length === 0) return total;
      }
    },
  };
}
