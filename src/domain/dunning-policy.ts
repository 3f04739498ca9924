/**
 * A shop's recurring settings (docs/recurring.md): how a declined scheduled cycle is retried, and how many days
 * before each cycle the payer's pre-billing notice goes out.
 */
export interface RecurringSettings {
  /** Retries after a cycle's first debit is declined (0: none). */
  retryAttempts: number;
  /** The retries are spread evenly over this many days after the cycle fell due. */
  retryWindowDays: number;
  /** Days before each cycle the `schedule.cycle.upcoming` notice is sent (0: at the cycle's time). */
  noticeDays: number;
}

export const DEFAULT_RECURRING_SETTINGS: RecurringSettings = {
  retryAttempts: 4,
  retryWindowDays: 14,
  noticeDays: 7,
};

/** Settings an operator may set; the schemes allow 15 reattempts in 30 days, a cycle at most 8 retries here. */
export function recurringSettingsProblem(s: RecurringSettings): string | null {
  if (!Number.isSafeInteger(s.retryAttempts) || s.retryAttempts < 0 || s.retryAttempts > 8)
    return 'retry attempts must be an integer from 0 to 8';
  if (!Number.isSafeInteger(s.retryWindowDays) || s.retryWindowDays < 1 || s.retryWindowDays > 30)
    return 'retry window must be an integer from 1 to 30 days';
  if (!Number.isSafeInteger(s.noticeDays) || s.noticeDays < 0 || s.noticeDays > 30)
    return 'notice days must be an integer from 0 to 30';
  return null;
}

const DAY = 86_400_000;

/**
 * When retry `k` (1-based) of a cycle due at `dueAt` is planned: evenly spaced over the window, the last at its
 * end (4 over 14 days: after 3.5, 7, 10.5 and 14 days). Null when the policy has no retry `k`.
 */
export function plannedRetryAt(s: RecurringSettings, dueAt: number, k: number): number | null {
  if (k < 1 || k > s.retryAttempts) return null;
  return dueAt + Math.round((k * s.retryWindowDays * DAY) / s.retryAttempts);
}

/** The last moment a retry of a cycle due at `dueAt` may be made. */
export function retryWindowEnd(s: RecurringSettings, dueAt: number): number {
  return dueAt + s.retryWindowDays * DAY;
}
