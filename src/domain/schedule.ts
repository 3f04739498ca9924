/**
 * A recurring schedule on a `RECURRING` profile (docs/recurring.md, "Schedules"): a fixed amount every
 * `count` days, weeks, months or years from `startAt`, until `endAt` or `maxCycles`. Cycle n (1-based) is due
 * at start + (n − 1) intervals; months and years are calendar months (31 January + 1 month = 28 or 29 February,
 * + 2 months = 31 March: each cycle is counted from the start, never from the previous, clamped one).
 */
export type IntervalUnit = 'day' | 'week' | 'month' | 'year';
export type ScheduleStatus = 'active' | 'paused' | 'past_due' | 'ended' | 'cancelled';
export type EndReason =
  'completed' | 'hard_decline' | 'retries_exhausted' | 'card_not_updated' | 'profile_inactive';

export interface Schedule {
  id: string;
  merchantId: string;
  serviceId: string;
  profileId: string;
  amount: number;
  currency: string;
  title: string;
  intervalUnit: IntervalUnit;
  intervalCount: number;
  startAt: number;
  endAt: number | null;
  maxCycles: number | null;
  status: ScheduleStatus;
  endReason: EndReason | null;
  cycle: number;
  cycleDueAt: number;
  attempts: number;
  chargeAt: number | null;
  noticeAt: number | null;
  expiryNoticeAt: number | null;
  blockedCardId: string | null;
  cyclesSettled: number;
  lastTransactionId: string | null;
  createdAt: number;
  modifiedAt: number;
}

export const INTERVAL_UNITS: readonly IntervalUnit[] = ['day', 'week', 'month', 'year'];
const DAY = 86_400_000;

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** When cycle `n` (1-based) of a schedule starting at `startAt` is due (UTC calendar). */
export function cycleDueAt(startAt: number, unit: IntervalUnit, count: number, n: number): number {
  const steps = (n - 1) * count;
  if (unit === 'day') return startAt + steps * DAY;
  if (unit === 'week') return startAt + steps * 7 * DAY;
  const start = new Date(startAt);
  const months = unit === 'month' ? steps : steps * 12;
  const total = start.getUTCMonth() + months;
  const year = start.getUTCFullYear() + Math.floor(total / 12);
  const month0 = ((total % 12) + 12) % 12;
  const day = Math.min(start.getUTCDate(), daysInMonth(year, month0));
  return Date.UTC(
    year,
    month0,
    day,
    start.getUTCHours(),
    start.getUTCMinutes(),
    start.getUTCSeconds(),
    start.getUTCMilliseconds(),
  );
}

/** Whether cycle `n`, due at `dueAt`, is still within the schedule's end and cycle limit. */
export function cycleWithinSchedule(
  s: Pick<Schedule, 'endAt' | 'maxCycles'>,
  n: number,
  dueAt: number,
): boolean {
  if (s.maxCycles !== null && n > s.maxCycles) return false;
  if (s.endAt !== null && dueAt > s.endAt) return false;
  return true;
}

/** The first cycle due at or after `now`, from cycle `from` on (a resumed schedule skips what fell due paused). */
export function firstCycleFrom(
  s: Pick<Schedule, 'startAt' | 'intervalUnit' | 'intervalCount'>,
  from: number,
  now: number,
): { cycle: number; dueAt: number } {
  let n = from;
  let due = cycleDueAt(s.startAt, s.intervalUnit, s.intervalCount, n);
  // Bounded: a daily schedule over a century is 36 500 steps.
  while (due < now && n < from + 100_000) {
    n++;
    due = cycleDueAt(s.startAt, s.intervalUnit, s.intervalCount, n);
  }
  return { cycle: n, dueAt: due };
}

/** The end of a card's validity: the first instant after the last day of its expiry month (UTC). */
export function cardValidUntil(card: { month: string; year: string }): number {
  return Date.UTC(Number(card.year), Number(card.month), 1);
}

/** The card-expiring notice goes this long before the card's validity ends. */
export const EXPIRY_NOTICE_MS = 30 * DAY;

/** Visa: a recurring payment's interval is at most a year. */
const MAX_COUNT: Record<IntervalUnit, number> = { day: 366, week: 52, month: 12, year: 1 };

/** A new schedule's problem, or null: positive count, end after start, maxCycles ≥ 1. */
export function scheduleProblem(s: {
  intervalUnit: IntervalUnit;
  intervalCount: number;
  startAt: number;
  endAt: number | null;
  maxCycles: number | null;
}): string | null {
  if (!INTERVAL_UNITS.includes(s.intervalUnit)) return 'interval.unit must be day, week, month or year';
  if (!Number.isSafeInteger(s.intervalCount) || s.intervalCount < 1)
    return 'interval.count must be at least 1';
  if (s.intervalCount > MAX_COUNT[s.intervalUnit])
    return 'the interval may be at most a year (card scheme rules for recurring payments)';
  if (s.endAt !== null && s.endAt < s.startAt) return 'endAt is before startAt';
  if (s.maxCycles !== null && (!Number.isSafeInteger(s.maxCycles) || s.maxCycles < 1))
    return 'maxCycles must be at least 1';
  return null;
}
