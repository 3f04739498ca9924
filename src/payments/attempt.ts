import type { Transaction } from '../domain/transaction.js';
import type { PaymentsDeps } from './deps.js';

/** The expiry of an acquirer attempt starting now, stored on the transaction and sent with the request. */
export function attemptDeadline(deps: PaymentsDeps): number {
  // Real time even under a test clock: the acquirer honours it by its own clock.
  return (deps.wallClock ?? deps.clock).now() + deps.acquirerExpiryMs;
}

/**
 * Whether the acquirer can no longer act on the transaction's current attempt, so that "it has no record" means
 * "it never did it". Rows written before deadlines were stored count from when the attempt started.
 */
export function attemptEnded(deps: PaymentsDeps, t: Transaction): boolean {
  const deadline = t.acquirerDeadline ?? t.modifiedAt + deps.acquirerExpiryMs;
  return (deps.wallClock ?? deps.clock).now() > deadline;
}
