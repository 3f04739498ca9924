/**
 * A kind of background work that falls due at a moment: challenge expiries, notification retries,
 * idempotency-key expiry, recurring cycles, dunning retries, pre-billing notices. The worker runs it at the
 * wall clock's time; a shop's test clock (sandbox only) runs that shop's share at the shop's frozen time, in
 * time order, when it is advanced. The work is rows (claimed with compare-and-set or `SKIP LOCKED`), so
 * either runner — and any number of processes — may run it, and a SIGKILL loses nothing.
 */
export interface DueWork {
  /** A short stable name for logs and the advance report: `cycles`, `notices`, `challenge-expiry`, … */
  readonly name: string;
  /** The earliest moment (Unix ms) at which this shop has work of this kind due, or null when it has none. */
  nextDueAt(shopId: string): Promise<number | null>;
  /** Runs this shop's work due at or before `now` (Unix ms, the shop's time); returns how many items it handled. */
  runDue(shopId: string, now: number): Promise<number>;
}
