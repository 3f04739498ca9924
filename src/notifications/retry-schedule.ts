/**
 * imoje-api.md §6: 3× every 10 s, then 5× every 5 min, 5× every 60 min, 5× every 6 h, 5× every 12 h, then given
 * up. Read as 23 attempts in all, the first sent at once: each group's interval is the wait *before* each of its
 * attempts, except the very first attempt, which waits for nothing.
 */
export const RETRY_GROUPS: ReadonlyArray<{ attempts: number; intervalMs: number }> = [
  { attempts: 3, intervalMs: 10_000 },
  { attempts: 5, intervalMs: 5 * 60_000 },
  { attempts: 5, intervalMs: 60 * 60_000 },
  { attempts: 5, intervalMs: 6 * 3_600_000 },
  { attempts: 5, intervalMs: 12 * 3_600_000 },
];

export const MAX_ATTEMPTS = RETRY_GROUPS.reduce((sum, g) => sum + g.attempts, 0);

/** The wait before attempt `n` (1-based); 0 for the first. */
export function delayBeforeAttempt(n: number): number {
  if (n <= 1) return 0;
  let last = 0;
  for (const group of RETRY_GROUPS) {
    last += group.attempts;
    if (n <= last) return group.intervalMs;
  }
  throw new RangeError(`attempt ${n} is past the last one (${MAX_ATTEMPTS})`);
}

/** When to try again after `attemptsMade` failed attempts, or null when the schedule is exhausted. */
export function nextAttemptAfter(attemptsMade: number, now: number): number | null {
  if (attemptsMade >= MAX_ATTEMPTS) return null;
  return now + delayBeforeAttempt(attemptsMade + 1);
}
