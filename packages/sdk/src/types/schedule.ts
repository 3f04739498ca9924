/** Kartoteka's extension (not imoje's): schedules on recurring profiles. Times are Unix seconds. */
export type ScheduleIntervalUnit = 'day' | 'week' | 'month' | 'year';
export type ScheduleStatus = 'active' | 'paused' | 'past_due' | 'ended' | 'cancelled';
export type ScheduleEndReason =
  'completed' | 'hard_decline' | 'retries_exhausted' | 'card_not_updated' | 'profile_inactive';

export interface CreateScheduleRequest {
  paymentProfileId: string;
  amount: number;
  currency: string;
  title?: string | null;
  interval: { unit: ScheduleIntervalUnit; count: number };
  /** The first cycle; absent: now. */
  startAt?: number | null;
  endAt?: number | null;
  maxCycles?: number | null;
}

export interface Schedule {
  id: string;
  serviceId: string;
  paymentProfileId: string;
  amount: number;
  currency: string;
  title: string;
  interval: { unit: ScheduleIntervalUnit; count: number };
  startAt: number;
  endAt: number | null;
  maxCycles: number | null;
  status: ScheduleStatus;
  endReason: ScheduleEndReason | null;
  cycle: number;
  cycleDueAt: number;
  attempts: number;
  nextChargeAt: number | null;
  cyclesSettled: number;
  lastTransactionId: string | null;
  created: number;
  modified: number;
}

export interface ScheduleResponse {
  schedule: Schedule;
}

export interface ScheduleListResponse {
  schedules: Schedule[];
}

export interface ListSchedulesQuery {
  paymentProfileId?: string;
  status?: ScheduleStatus;
  limit?: number;
}

export type ScheduleEventName =
  | 'schedule.cycle.upcoming'
  | 'schedule.cycle.settled'
  | 'schedule.cycle.declined'
  | 'schedule.past_due'
  | 'schedule.recovered'
  | 'schedule.ended'
  | 'schedule.card.expiring'
  | 'schedule.card.expired';

/** The body of a Kartoteka schedule event, signed like every notification (verify it with `verifyNotification`). */
export interface ScheduleEventNotification {
  kartoteka: {
    event: ScheduleEventName;
    id: string;
    created: number;
    schedule: Schedule;
    cycle?: {
      number: number;
      dueAt: number;
      attempt?: number;
      transactionId?: string;
      status?: string;
      statusCode?: string;
      declineClass?: 'hard' | 'soft' | 'update_needed';
      nextAttemptAt?: number | null;
    };
    card?: { maskedNumber: string; month: string; year: string };
  };
}
