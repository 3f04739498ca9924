import { DomainError } from '../domain/domain-error.js';
import { newId } from '../domain/ids.js';
import type { Currency } from '../domain/money.js';
import {
  cardValidUntil,
  cycleWithinSchedule,
  EXPIRY_NOTICE_MS,
  firstCycleFrom,
  scheduleProblem,
  type IntervalUnit,
  type Schedule,
  type ScheduleStatus,
} from '../domain/schedule.js';
import { assertWithinLimits } from '../domain/transaction-limits.js';
import { progressOf } from '../storage/schedule-repo.js';
import type { PaymentsDeps } from './deps.js';
import { shopNow } from './shop-time.js';

const DAY = 86_400_000;

export interface CreateScheduleInput {
  paymentProfileId: string;
  amount: number;
  currency: Currency;
  title?: string | null | undefined;
  interval: { unit: IntervalUnit; count: number };
  /** Unix ms; absent: now (the first cycle is charged at once). */
  startAt?: number | null | undefined;
  endAt?: number | null | undefined;
  maxCycles?: number | null | undefined;
}

/** `POST /kartoteka/v1/merchant/{merchantId}/schedules`: a schedule on an active RECURRING profile. */
export async function createSchedule(
  deps: PaymentsDeps,
  merchantId: string,
  input: CreateScheduleInput,
  at?: number,
): Promise<Schedule> {
  const repos = deps.storage.repos;
  const found = await repos.profiles.getProfileWithCard(merchantId, input.paymentProfileId);
  if (!found) {
    throw new DomainError('profileNotFound', [
      { property: 'paymentProfileId', message: 'No such payment profile.' },
    ]);
  }
  const { profile, card } = found;
  if (!profile.isActive || profile.type !== 'RECURRING') {
    throw new DomainError('scheduleProfileNotRecurring', [
      { property: 'paymentProfileId', message: 'The profile must be an active RECURRING profile.' },
    ]);
  }
  const shop = await repos.merchants.getShop(merchantId, profile.serviceId);
  if (!shop) throw new DomainError('shopNotFound');
  assertWithinLimits(shop, input.amount);
  // The shop's time: a test clock's (sandbox), else real.
  const now = at ?? shopNow(deps, shop);
  const startAt = input.startAt ?? now;
  if (startAt < now - 60_000) {
    throw new DomainError('scheduleInvalid', [{ property: 'startAt', message: 'startAt is in the past.' }]);
  }
  const terms = {
    intervalUnit: input.interval.unit,
    intervalCount: input.interval.count,
    startAt,
    endAt: input.endAt ?? null,
    maxCycles: input.maxCycles ?? null,
  };
  const problem = scheduleProblem(terms);
  if (problem) throw new DomainError('scheduleInvalid', [{ property: 'interval', message: problem }]);
  const schedule: Schedule = {
    id: newId(),
    merchantId,
    serviceId: profile.serviceId,
    profileId: profile.id,
    amount: input.amount,
    currency: input.currency,
    title: input.title ?? 'Subscription',
    ...terms,
    status: 'active',
    endReason: null,
    cycle: 1,
    cycleDueAt: startAt,
    attempts: 0,
    chargeAt: startAt,
    noticeAt: startAt - shop.noticeDays * DAY,
    expiryNoticeAt: cardValidUntil(card) - EXPIRY_NOTICE_MS,
    blockedCardId: null,
    cyclesSettled: 0,
    lastTransactionId: null,
    createdAt: now,
    modifiedAt: now,
  };
  await repos.schedules.insert(schedule);
  return schedule;
}

export async function getSchedule(deps: PaymentsDeps, merchantId: string, id: string): Promise<Schedule> {
  const s = await deps.storage.repos.schedules.get(merchantId, id);
  if (!s)
    throw new DomainError('scheduleNotFound', [{ property: 'scheduleId', message: 'No such schedule.' }]);
  return s;
}

export async function listSchedules(
  deps: PaymentsDeps,
  merchantId: string,
  filter: {
    paymentProfileId?: string | undefined;
    status?: ScheduleStatus | undefined;
    limit?: number | undefined;
  },
): Promise<Schedule[]> {
  return deps.storage.repos.schedules.list(merchantId, {
    profileId: filter.paymentProfileId,
    status: filter.status,
    limit: filter.limit ?? 100,
  });
}

export type ScheduleChange = 'pause' | 'resume' | 'cancel';

const FROM: Record<ScheduleChange, ScheduleStatus[]> = {
  pause: ['active', 'past_due'],
  resume: ['paused'],
  cancel: ['active', 'past_due', 'paused'],
};

/**
 * Pause, resume or cancel (`POST …/schedules/{id}/pause|resume|cancel`). Repeating a change is a no-op answer
 * (paused stays paused). A paused schedule charges nothing; resuming continues with the first cycle due at or
 * after the moment of resuming — cycles that fell due while it was paused, and a cycle it was retrying, are not
 * charged. Cancelling is final.
 */
export async function changeSchedule(
  deps: PaymentsDeps,
  merchantId: string,
  id: string,
  change: ScheduleChange,
  at?: number,
): Promise<Schedule> {
  for (let i = 0; i < 3; i++) {
    const s = await getSchedule(deps, merchantId, id);
    // The shop's time: a test clock's (sandbox), else real.
    const now = at ?? shopNow(deps, await deps.storage.repos.merchants.getShopById(s.serviceId));
    const target = { pause: 'paused', resume: 'active', cancel: 'cancelled' }[change];
    if (s.status === target) return s;
    if (!FROM[change].includes(s.status)) {
      throw new DomainError('scheduleStatusConflict', [
        { property: 'status', message: `A ${s.status} schedule cannot ${change}.` },
      ]);
    }
    const next = await changed(deps, s, change, now);
    if (await deps.storage.repos.schedules.transition(merchantId, id, s.status, progressOf(next)))
      return next;
  }
  throw new DomainError('scheduleStatusConflict', [
    { property: 'status', message: 'Changed concurrently; retry.' },
  ]);
}

async function changed(
  deps: PaymentsDeps,
  s: Schedule,
  change: ScheduleChange,
  now: number,
): Promise<Schedule> {
  if (change === 'pause') return { ...s, status: 'paused', modifiedAt: now };
  if (change === 'cancel')
    return {
      ...s,
      status: 'cancelled',
      chargeAt: null,
      noticeAt: null,
      expiryNoticeAt: null,
      modifiedAt: now,
    };
  const from = s.attempts === 0 ? s.cycle : s.cycle + 1;
  const { cycle, dueAt } = firstCycleFrom(s, from, now);
  if (!cycleWithinSchedule(s, cycle, dueAt)) {
    return { ...s, status: 'ended', endReason: 'completed', chargeAt: null, noticeAt: null, modifiedAt: now };
  }
  const shop = await deps.storage.repos.merchants.getShopById(s.serviceId);
  const noticeDays = shop?.noticeDays ?? 7;
  return {
    ...s,
    status: 'active',
    cycle,
    cycleDueAt: dueAt,
    attempts: cycle === s.cycle ? s.attempts : 0,
    chargeAt: dueAt,
    noticeAt: cycle === s.cycle && s.noticeAt === null ? null : dueAt - noticeDays * DAY,
    blockedCardId: null,
    modifiedAt: now,
  };
}
