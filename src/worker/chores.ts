import { expireAbandonedChallenges } from '../payments/challenge.js';
import type { PaymentsDeps } from '../payments/deps.js';
import type { Idempotency } from '../payments/idempotency.js';
import { recoverStuckPayments } from '../payments/recover.js';

export interface ChoreDeps {
  payments: PaymentsDeps;
  idempotency: Idempotency;
  /** A payment still `authorizing` after this long is presumed orphaned by a crash and reconciled. */
  recoveryGraceMs: number;
  /**
   * Sandbox: a test-clock shop's challenges expire at its own time (its advance), not the wall clock's, and its
   * stuck payments are aged by their (real-time) attempt deadline, not their frozen modification time.
   */
  skipClockShops?: boolean;
}

/** The periodic chores besides notification delivery. Each is safe to run concurrently in several processes. */
export async function runChores(
  deps: ChoreDeps,
): Promise<{ expired: number; recovered: number; purged: number }> {
  const expired = await expireAbandonedChallenges(deps.payments, 100, {
    skipClockShops: deps.skipClockShops === true,
  });
  const recovered = await recoverStuckPayments(deps.payments, deps.recoveryGraceMs, 100, {
    clockShops: deps.skipClockShops === true,
  });
  const purged = await deps.idempotency.purgeExpired();
  return { expired, recovered, purged };
}
