import { hostname } from 'node:os';
import { newId } from '../domain/ids.js';
import { deliverOne, type DeliveryDeps } from './deliver.js';

export interface DeliveryTaskOptions {
  /** How many notifications one round claims and sends concurrently. */
  batchSize?: number;
  /** Sandbox: leave a test-clock shop's notifications to its clock (they are due at its time, not ours). */
  skipClockShops?: boolean;
}

/**
 * The worker task that sends due notifications. Each round claims a batch under this worker's name for longer
 * than a delivery can take, sends them concurrently and writes each outcome. Another worker (process) skips
 * claimed rows, so an acknowledged notification is sent once; a crashed worker's claims expire and are retried.
 */
export function deliveryTask(deps: DeliveryDeps, options: DeliveryTaskOptions = {}) {
  const owner = `${hostname()}:${process.pid}:${newId().slice(0, 8)}`;
  const batchSize = options.batchSize ?? 16;
  // Longer than one delivery can take (its timeout, plus DNS and database time), yet short enough that the
  // claims of a crashed worker come free again soon.
  const leaseMs = 2 * deps.timeoutMs + 10_000;
  let claims = 0;
  return {
    name: 'notifications',
    owner,
    async run(): Promise<boolean> {
      // Each claim gets its own name, so overlapping rounds of one task cannot pick up each other's rows.
      const claim = `${owner}:${++claims}`;
      const now = deps.clock.now();
      const lock = { owner: claim, until: now + leaseMs, wallNow: now };
      const rows = await deps.storage.repos.notifications.claimDue(now, lock, batchSize, {
        skipClockShops: options.skipClockShops === true,
      });
      const results = await Promise.allSettled(rows.map((row) => deliverOne(deps, row, claim)));
      for (const r of results) {
        // The row stays claimed until its lease ends, then is retried: nothing is lost, so log and go on.
        if (r.status === 'rejected')
          deps.log.warn({ err: r.reason as unknown }, 'notification delivery crashed');
      }
      return rows.length > 0;
    },
  };
}
