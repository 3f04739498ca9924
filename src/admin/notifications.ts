import { DomainError } from '../domain/domain-error.js';
import type { Clock } from '../domain/clock.js';
import type {
  NotificationAttemptRow,
  NotificationRow,
  NotificationStatus,
} from '../storage/notification-repo.js';
import type { Storage } from '../storage/storage.js';

/** What operators see of a notification (CLI and admin endpoint alike). Times are ISO 8601, UTC. */
export interface NotificationView {
  id: string;
  transactionId: string;
  merchantId: string;
  serviceId: string;
  /** 1, 2, … per transaction: the order of its status changes. */
  ordinal: number;
  url: string | null;
  status: string;
  /** Attempts in the current retry schedule (a resend starts a new one). */
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface AttemptView {
  attemptedAt: string;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

export interface NotificationFilter {
  status?: NotificationStatus | undefined;
  merchantId?: string | undefined;
  transactionId?: string | undefined;
  limit?: number | undefined;
}

export const NOTIFICATION_STATUSES: readonly NotificationStatus[] = ['pending', 'delivered', 'failed'];

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function notificationView(row: NotificationRow): NotificationView {
  return {
    id: row.id,
    transactionId: row.transactionId,
    merchantId: row.merchantId,
    serviceId: row.serviceId,
    ordinal: row.ordinal,
    url: row.url,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
    lastError: row.lastError,
    createdAt: new Date(row.createdAt).toISOString(),
    deliveredAt: iso(row.deliveredAt),
  };
}

function attemptView(a: NotificationAttemptRow): AttemptView {
  return {
    attemptedAt: new Date(a.attemptedAt).toISOString(),
    httpStatus: a.httpStatus,
    error: a.error,
    durationMs: a.durationMs,
  };
}

export async function listNotifications(
  storage: Storage,
  filter: NotificationFilter,
): Promise<NotificationView[]> {
  const rows = await storage.repos.notifications.list({ ...filter, limit: filter.limit ?? 100 });
  return rows.map(notificationView);
}

export async function showNotification(
  storage: Storage,
  id: string,
): Promise<{ notification: NotificationView & { body: string }; attempts: AttemptView[] }> {
  const row = await storage.repos.notifications.get(null, id);
  if (!row)
    throw new DomainError('notificationNotFound', [{ property: 'id', message: `No notification ${id}.` }]);
  const attempts = await storage.repos.notifications.attempts(id);
  return { notification: { ...notificationView(row), body: row.body }, attempts: attempts.map(attemptView) };
}

/** Sends a notification again, now, with a fresh retry schedule; the shop must ignore identical repeats. */
export async function resendNotification(
  storage: Storage,
  clock: Clock,
  id: string,
): Promise<NotificationView> {
  const repo = storage.repos.notifications;
  if (!(await repo.requeue(id, clock.now()))) {
    throw new DomainError('notificationNotFound', [{ property: 'id', message: `No notification ${id}.` }]);
  }
  const row = await repo.get(null, id);
  if (!row) throw new DomainError('notificationNotFound');
  return notificationView(row);
}

/** The operators' notification desk bound to one database: what the admin endpoints call, storage unseen. */
export interface NotificationDesk {
  list(filter: NotificationFilter): Promise<NotificationView[]>;
  show(id: string): ReturnType<typeof showNotification>;
  resend(id: string): Promise<NotificationView>;
}

export function notificationDesk(storage: Storage, clock: Clock): NotificationDesk {
  return {
    list: (filter) => listNotifications(storage, filter),
    show: (id) => showNotification(storage, id),
    resend: (id) => resendNotification(storage, clock, id),
  };
}
