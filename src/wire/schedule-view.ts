import { unixSeconds } from '../domain/clock.js';
import type { Schedule } from '../domain/schedule.js';

/** A schedule as the extension API and its events show it (times in unix seconds, like imoje's). */
export interface ScheduleView {
  id: string;
  serviceId: string;
  paymentProfileId: string;
  amount: number;
  currency: string;
  title: string;
  interval: { unit: string; count: number };
  startAt: number;
  endAt: number | null;
  maxCycles: number | null;
  status: string;
  endReason: string | null;
  /** The cycle being worked on (1-based) and when it fell or falls due. */
  cycle: number;
  cycleDueAt: number;
  /** Debits made of that cycle so far (the first one and its retries). */
  attempts: number;
  /** When the next debit is due; null when none is (paused, ended, waiting for a replaced card). */
  nextChargeAt: number | null;
  cyclesSettled: number;
  lastTransactionId: string | null;
  created: number;
  modified: number;
}

const seconds = (ms: number | null) => (ms === null ? null : unixSeconds(ms));

export function scheduleView(s: Schedule): ScheduleView {
  return {
    id: s.id,
    serviceId: s.serviceId,
    paymentProfileId: s.profileId,
    amount: s.amount,
    currency: s.currency,
    title: s.title,
    interval: { unit: s.intervalUnit, count: s.intervalCount },
    startAt: unixSeconds(s.startAt),
    endAt: seconds(s.endAt),
    maxCycles: s.maxCycles,
    status: s.status,
    endReason: s.endReason,
    cycle: s.cycle,
    cycleDueAt: unixSeconds(s.cycleDueAt),
    attempts: s.attempts,
    nextChargeAt: s.status === 'active' || s.status === 'past_due' ? seconds(s.chargeAt) : null,
    cyclesSettled: s.cyclesSettled,
    lastTransactionId: s.lastTransactionId,
    created: unixSeconds(s.createdAt),
    modified: unixSeconds(s.modifiedAt),
  };
}
