import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RECURRING_SETTINGS,
  plannedRetryAt,
  retryWindowEnd,
} from '../../src/domain/dunning-policy.js';
import {
  MAX_REATTEMPTS,
  reattemptRefusal,
  stateAfter,
  type CardRetryState,
} from '../../src/domain/reattempt.js';
import { cardValidUntil, cycleDueAt, firstCycleFrom, scheduleProblem } from '../../src/domain/schedule.js';

const DAY = 86_400_000;
const card = { month: '12', year: '2030' };

describe('schedule terms', () => {
  it('calendar months count from the start and clamp to the month’s last day', () => {
    const start = Date.UTC(2027, 0, 31, 9, 30);
    const due = [1, 2, 3, 4, 13, 14].map((n) => new Date(cycleDueAt(start, 'month', 1, n)).toISOString());
    expect(due).toEqual([
      '2027-01-31T09:30:00.000Z',
      '2027-02-28T09:30:00.000Z',
      '2027-03-31T09:30:00.000Z',
      '2027-04-30T09:30:00.000Z',
      '2028-01-31T09:30:00.000Z',
      '2028-02-29T09:30:00.000Z',
    ]);
    expect(new Date(cycleDueAt(Date.UTC(2028, 1, 29), 'year', 1, 2)).toISOString()).toBe(
      '2029-02-28T00:00:00.000Z',
    );
    expect(cycleDueAt(Date.UTC(2027, 0, 1), 'month', 3, 3)).toBe(Date.UTC(2027, 6, 1));
    expect(cycleDueAt(1000, 'week', 2, 3)).toBe(1000 + 28 * DAY);
    expect(cycleDueAt(1000, 'day', 1, 1)).toBe(1000);
  });

  it('a resume finds the first cycle due at or after it', () => {
    const s = { startAt: Date.UTC(2027, 0, 10), intervalUnit: 'month' as const, intervalCount: 1 };
    expect(firstCycleFrom(s, 1, Date.UTC(2027, 2, 11))).toEqual({ cycle: 4, dueAt: Date.UTC(2027, 3, 10) });
    expect(firstCycleFrom(s, 2, Date.UTC(2027, 0, 1))).toEqual({ cycle: 2, dueAt: Date.UTC(2027, 1, 10) });
  });

  it('an interval is at most a year; end after start; maxCycles ≥ 1', () => {
    const ok = {
      intervalUnit: 'month' as const,
      intervalCount: 12,
      startAt: 0,
      endAt: null,
      maxCycles: null,
    };
    expect(scheduleProblem(ok)).toBeNull();
    expect(scheduleProblem({ ...ok, intervalCount: 13 })).toContain('at most a year');
    expect(scheduleProblem({ ...ok, intervalUnit: 'day', intervalCount: 367 })).toContain('at most a year');
    expect(scheduleProblem({ ...ok, intervalUnit: 'year', intervalCount: 2 })).toContain('at most a year');
    expect(scheduleProblem({ ...ok, startAt: 10, endAt: 5 })).toContain('endAt');
    expect(scheduleProblem({ ...ok, maxCycles: 0 })).toContain('maxCycles');
  });

  it('a card is valid through the end of its expiry month', () => {
    expect(cardValidUntil({ month: '02', year: '2028' })).toBe(Date.UTC(2028, 2, 1));
    expect(cardValidUntil({ month: '12', year: '2028' })).toBe(Date.UTC(2029, 0, 1));
  });

  it('the default policy: 4 retries over 14 days, after 3.5, 7, 10.5 and 14 days', () => {
    const p = DEFAULT_RECURRING_SETTINGS;
    expect([1, 2, 3, 4].map((k) => plannedRetryAt(p, 0, k)! / DAY)).toEqual([3.5, 7, 10.5, 14]);
    expect(plannedRetryAt(p, 0, 5)).toBeNull();
    expect(plannedRetryAt(p, 0, 0)).toBeNull();
    expect(retryWindowEnd(p, 0)).toBe(14 * DAY);
  });
});

describe('reattempt state', () => {
  const declined = (code: string, mac?: string) => ({ declined: true as const, code, merchantAdvice: mac });

  it('counts reattempts in a 30-day window and refuses the 16th', () => {
    let state: CardRetryState | undefined = stateAfter(undefined, declined('CODE_05'), card, 0) ?? undefined;
    expect(state?.reattempts).toBe(0);
    for (let i = 1; i <= MAX_REATTEMPTS; i++) {
      expect(reattemptRefusal(state, card, i)).toBeNull();
      state = stateAfter(state, declined('CODE_05'), card, i)!;
    }
    expect(state?.reattempts).toBe(15);
    expect(reattemptRefusal(state, card, 100)).toEqual({ reason: 'limit', until: 1 + 30 * DAY });
    expect(reattemptRefusal(state, card, 1 + 30 * DAY)).toBeNull();
    // An approval ends the run of declines: the next debit is no reattempt, the window's count stays.
    const approved = stateAfter(state, { declined: false }, card, 200)!;
    expect(approved).toMatchObject({ lastDeclineAt: null, reattempts: 16 });
    expect(reattemptRefusal(approved, card, 300)).toBeNull();
  });

  it('nothing is remembered of a clean card’s approval', () => {
    expect(stateAfter(undefined, { declined: false }, card, 1)).toBeNull();
  });

  it('hard stays hard; update needed waits for another expiry; soft waits for its retry-after', () => {
    const hard = stateAfter(undefined, declined('CODE_05', '21'), card, 0)!;
    expect(reattemptRefusal(hard, card, 365 * DAY)).toEqual({ reason: 'hard_decline' });
    expect(reattemptRefusal(stateAfter(hard, { declined: false }, card, 1)!, card, 2)).toEqual({
      reason: 'hard_decline',
    });
    const expired = stateAfter(undefined, declined('CODE_54'), card, 0)!;
    expect(reattemptRefusal(expired, card, DAY)).toEqual({ reason: 'update_needed' });
    expect(reattemptRefusal(expired, { month: '01', year: '2031' }, DAY)).toBeNull();
    const funds = stateAfter(undefined, declined('CODE_51'), card, 0)!;
    expect(reattemptRefusal(funds, card, DAY - 1)).toEqual({ reason: 'too_early', until: DAY });
    expect(reattemptRefusal(funds, card, DAY)).toBeNull();
    const mac30 = stateAfter(undefined, declined('CODE_05', '30'), card, 0)!;
    expect(reattemptRefusal(mac30, card, 9 * DAY)).toEqual({ reason: 'too_early', until: 10 * DAY });
  });
});
