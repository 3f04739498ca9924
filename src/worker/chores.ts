import { expireAbandonedChallenges } from '../payments/challenge.js';
import type { PaymentsDeps } from '../payments/deps.js';
import type { Idempotency } from '../payments/idempotency.js';
import { recoverStuckPayments } from '../payments/recover.js';
import { purgeExpiredWidgetSessions } from '../payments/widget-sessions.js';

export interface ChoreDeps {
  payments: PaymentsDeps;
  idempotency: Idempotency;
  /** A payment still `authorizing` after this long is presumed orphaned by a crash and reconciled. */
  recoveryGraceMs: number;
}

/** The periodic chores besides notification delivery. Each is safe to run concurrently in several processes. */
export async function runChores(
  deps: ChoreDeps,
): Promise<{ expired: number; recovered: number; purged: number; sessionsPurged: number }> {
  const expired = await expireAbandonedChallenges(deps.payments);
  const recovered = await recoverStuckPayments(deps.payments, deps.recoveryGraceMs);
  const purged = await deps.idempotency.purgeExpired();
  const sessionsPurged = await purgeExpiredWidgetSessions(deps.payments);
  return { expired, recovered, purged, sessionsPurged };
}
