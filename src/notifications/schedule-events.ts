import { unixSeconds } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import type { Schedule } from '../domain/schedule.js';
import type { Shop } from '../storage/merchant-repo.js';
import type { NotificationRow } from '../storage/notification-repo.js';
import type { Repos } from '../storage/storage.js';
import { scheduleView, type ScheduleView } from '../wire/schedule-view.js';

/** Kartoteka's own events about schedules (docs/recurring.md, "Events"); imoje has none of these. */
export type ScheduleEventName =
  | 'schedule.cycle.upcoming'
  | 'schedule.cycle.settled'
  | 'schedule.cycle.declined'
  | 'schedule.past_due'
  | 'schedule.recovered'
  | 'schedule.ended'
  | 'schedule.card.expiring'
  | 'schedule.card.expired';

export interface CycleDetail {
  number: number;
  /** Unix seconds. */
  dueAt: number;
  attempt?: number | undefined;
  transactionId?: string | undefined;
  status?: string | undefined;
  statusCode?: string | undefined;
  declineClass?: string | undefined;
  /** A retry's planned moment (unix seconds), or null when the schedule will not retry. */
  nextAttemptAt?: number | null | undefined;
}

/**
 * The body of a Kartoteka event: one top-level key, `kartoteka`, which no imoje notification has, so a shop's
 * imoje handler can tell the two apart by shape. Signed and delivered like every notification.
 */
export interface ScheduleEventPayload {
  kartoteka: {
    event: ScheduleEventName;
    id: string;
    /** Unix seconds, in the schedule's time (a shop's test clock, if it runs one). */
    created: number;
    schedule: ScheduleView;
    cycle?: CycleDetail | undefined;
    card?: { maskedNumber: string; month: string; year: string } | undefined;
  };
}

export interface ScheduleEvent {
  event: ScheduleEventName;
  cycle?: CycleDetail | undefined;
  card?: ScheduleEventPayload['kartoteka']['card'];
}

/**
 * The notification rows of schedule events (transactional outbox: written with the schedule's change, see
 * `ScheduleRepo.saveLeasedAndEnqueue`). They are numbered under the schedule's id, so one schedule's events
 * are delivered in the order they happened. None when the shop has nowhere to be notified.
 */
export function scheduleEventRows(
  schedule: Schedule,
  shop: Shop,
  events: ScheduleEvent[],
  now: number,
  wallNow: number,
  /** Where a shop without a notification URL is notified: the sandbox's webhook inbox, else nowhere. */
  inboxUrl: string | null = null,
): Array<Omit<NotificationRow, 'ordinal'>> {
  const url = shop.notificationUrl ?? inboxUrl;
  if (!url) return [];
  return events.map((e) => {
    const id = newId();
    const payload: ScheduleEventPayload = {
      kartoteka: {
        event: e.event,
        id,
        created: unixSeconds(now),
        schedule: scheduleView(schedule),
        ...(e.cycle ? { cycle: e.cycle } : {}),
        ...(e.card ? { card: e.card } : {}),
      },
    };
    return {
      id,
      transactionId: schedule.id,
      merchantId: schedule.merchantId,
      serviceId: schedule.serviceId,
      url,
      body: JSON.stringify(payload),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: wallNow,
      lastError: null,
      createdAt: wallNow,
      deliveredAt: null,
      lockedBy: null,
      lockedUntil: null,
    };
  });
}

/** Queues schedule events in the caller's database transaction (see {@link scheduleEventRows}). */
export async function enqueueScheduleEvents(
  repos: Repos,
  schedule: Schedule,
  shop: Shop,
  events: ScheduleEvent[],
  now: number,
  wallNow: number,
  inboxUrl: string | null = null,
): Promise<void> {
  for (const row of scheduleEventRows(schedule, shop, events, now, wallNow, inboxUrl))
    await repos.notifications.enqueue(row);
}
