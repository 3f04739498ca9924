import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Dialect } from './connect.js';
import { prepared } from './prepared.js';
import type { Database } from './schema.js';

export type NotificationRow = Database['notifications'];

/** The columns a new notification row binds, in order (its ordinal is computed). */
export const ENQUEUED = [
  'id',
  'transactionId',
  'merchantId',
  'serviceId',
  'url',
  'body',
  'status',
  'attempts',
  'nextAttemptAt',
  'lastError',
  'createdAt',
  'deliveredAt',
  'lockedBy',
  'lockedUntil',
] as const satisfies ReadonlyArray<Exclude<keyof NotificationRow, 'ordinal'>>;

/** One statement: the row, numbered after the transaction's previous notifications (1, 2, …). */
const enqueueQuery = prepared((db, arg) =>
  db.insertInto('notifications').values((eb) => ({
    ...(Object.fromEntries(ENQUEUED.map((column, i) => [column, arg(i)])) as Omit<
      NotificationRow,
      'ordinal'
    >),
    ordinal: eb
      .selectFrom('notifications')
      .select(sql<number>`coalesce(max(ordinal), 0) + 1`.as('next'))
      .where('transactionId', '=', arg(1)),
  })),
);
export type NotificationAttemptRow = Database['notificationAttempts'];
export type NotificationStatus = 'pending' | 'delivered' | 'failed';

/**
 * Which due rows a claim may take: `shopId`, only that shop's (a test clock's advance, at the shop's time);
 * `skipClockShops`, none of a test-clock shop's (the wall-clock worker).
 */
export interface ClaimScope {
  shopId?: string;
  skipClockShops?: boolean;
}

/**
 * A claim's lock. It is kept in real time even when rows are due at a test clock's time: a lock is between
 * processes, and a clock moved past a lock held in the shop's time would free a row still being delivered.
 */
export interface ClaimLock {
  owner: string;
  /** Real time (Unix ms) the lock lasts until. */
  until: number;
  /** Real time now: an older lock has run out (its holder died mid-delivery). */
  wallNow: number;
}

export class NotificationRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Called inside the transaction that changes the status, so the two commit or roll back together. */
  async enqueue(row: Omit<NotificationRow, 'ordinal'>): Promise<void> {
    await enqueueQuery.execute(
      this.db,
      this.dialect,
      ENQUEUED.map((column) => row[column] ?? null),
    );
  }

  /**
   * Claims up to `limit` notifications due at `now` (the shop's time) for `lock.owner` until `lock.until`. A notification is due only when no
   * earlier notification of the same transaction is still pending, so one transaction's events arrive in order.
   * The claim is one UPDATE whose subquery picks the rows (skipping rows locked by a concurrent claimer on
   * PostgreSQL; SQLite runs the statement alone), so two workers never claim the same row.
   */
  async claimDue(
    now: number,
    lock: ClaimLock,
    limit: number,
    scope: ClaimScope = {},
  ): Promise<NotificationRow[]> {
    let due = this.db
      .selectFrom('notifications as n')
      .select('n.id')
      .where('n.status', '=', 'pending')
      .where('n.nextAttemptAt', '<=', now)
      .where((eb) => eb.or([eb('n.lockedUntil', 'is', null), eb('n.lockedUntil', '<', lock.wallNow)]))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('notifications as e')
              .select('e.id')
              .whereRef('e.transactionId', '=', 'n.transactionId')
              .whereRef('e.ordinal', '<', 'n.ordinal')
              .where('e.status', '=', 'pending'),
          ),
        ),
      )
      .orderBy('n.nextAttemptAt')
      .limit(limit);
    if (scope.shopId !== undefined) due = due.where('n.serviceId', '=', scope.shopId);
    if (scope.skipClockShops) {
      // A test-clock shop's rows are due at that shop's time, not the wall clock's (see docs/recurring.md).
      due = due.where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('shops as s')
              .select('s.id')
              .whereRef('s.id', '=', 'n.serviceId')
              .where('s.testClockAt', 'is not', null),
          ),
        ),
      );
    }
    if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
    // The claimed rows come back from the UPDATE itself (a second query by lock owner would have no index to
    // use and scan the whole outbox each round); RETURNING has no order, so they are sorted here.
    const rows = await this.db
      .updateTable('notifications')
      .set({ lockedBy: lock.owner, lockedUntil: lock.until })
      .where('id', 'in', due)
      .returningAll()
      .execute();
    return rows.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.ordinal - b.ordinal);
  }

  /**
   * At start-up of a single-process (SQLite) gateway, every claimed notification belongs to the run that died
   * mid-delivery: its claim ends now, so the worker (or a test clock's advance) sends it again at once instead
   * of after the claim's 30 s. Pending rows only, through the (status, next_attempt_at) index.
   */
  async expireAllLocks(): Promise<void> {
    await this.db
      .updateTable('notifications')
      .set({ lockedUntil: 0 })
      .where('status', '=', 'pending')
      .where('lockedUntil', 'is not', null)
      .execute();
  }

  /**
   * When the shop's next pending notification is due, in its time; null when it has none pending. A row
   * locked by a delivery in flight is still due: an advance waits for that delivery rather than sending it
   * again (its lock is in real time, see `ClaimLock`).
   */
  async nextDueAt(shopId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.min<number | string | null>('nextAttemptAt').as('due'))
      .where('serviceId', '=', shopId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.due === null || row?.due === undefined ? null : Number(row.due);
  }

  async recordAttempt(attempt: NotificationAttemptRow): Promise<void> {
    await this.db.insertInto('notificationAttempts').values(attempt).execute();
  }

  /** Writes the outcome only if `owner` still holds the claim. */
  async settle(
    id: string,
    owner: string,
    patch: Pick<NotificationRow, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'deliveredAt'>,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('notifications')
      .set({ ...patch, lockedBy: null, lockedUntil: null })
      .where('id', '=', id)
      .where('lockedBy', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * What is not delivered yet, for monitoring: pending and failed counts and the oldest pending row's creation
   * time. One grouped query on the (status, next_attempt_at) index; delivered rows are never counted.
   */
  async backlog(): Promise<{ pending: number; failed: number; oldestPendingAt: number | null }> {
    const rows = await this.db
      .selectFrom('notifications')
      .select((eb) => [
        'status',
        eb.fn.countAll<number | string>().as('count'),
        eb.fn.min<number | null>('createdAt').as('oldest'),
      ])
      .where('status', 'in', ['pending', 'failed'])
      .groupBy('status')
      .execute();
    const of = (status: string) => rows.find((r) => r.status === status);
    const pending = of('pending');
    return {
      pending: Number(pending?.count ?? 0),
      failed: Number(of('failed')?.count ?? 0),
      oldestPendingAt:
        pending?.oldest === null || pending?.oldest === undefined ? null : Number(pending.oldest),
    };
  }

  async get(merchantId: string | null, id: string): Promise<NotificationRow | undefined> {
    let q = this.db.selectFrom('notifications').selectAll().where('id', '=', id);
    if (merchantId) q = q.where('merchantId', '=', merchantId);
    return q.executeTakeFirst();
  }

  async list(filter: {
    merchantId?: string | undefined;
    status?: NotificationStatus | undefined;
    transactionId?: string | undefined;
    limit: number;
  }): Promise<NotificationRow[]> {
    let q = this.db
      .selectFrom('notifications')
      .selectAll()
      .orderBy('createdAt', 'desc')
      .orderBy('ordinal', 'desc');
    if (filter.merchantId) q = q.where('merchantId', '=', filter.merchantId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.transactionId) q = q.where('transactionId', '=', filter.transactionId);
    return q.limit(filter.limit).execute();
  }

  /**
   * One page of a merchant's notifications, newest first in the stable order (created_at, id), strictly after
   * `before` (the last row of the previous page). `from`/`to` bound created_at (inclusive, Unix ms).
   */
  async page(filter: {
    merchantId: string;
    status?: NotificationStatus | undefined;
    transactionId?: string | undefined;
    from?: number | undefined;
    to?: number | undefined;
    before?: { createdAt: number; id: string } | null | undefined;
    limit: number;
  }): Promise<NotificationRow[]> {
    let q = this.db
      .selectFrom('notifications')
      .selectAll()
      .where('merchantId', '=', filter.merchantId)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.transactionId) q = q.where('transactionId', '=', filter.transactionId);
    if (filter.from !== undefined) q = q.where('createdAt', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('createdAt', '<=', filter.to);
    const before = filter.before;
    if (before) {
      q = q.where((eb) =>
        eb.or([
          eb('createdAt', '<', before.createdAt),
          eb.and([eb('createdAt', '=', before.createdAt), eb('id', '<', before.id)]),
        ]),
      );
    }
    return q.execute();
  }

  /** The attempts of several notifications in one query, oldest first. */
  async attemptsOf(notificationIds: readonly string[]): Promise<NotificationAttemptRow[]> {
    if (notificationIds.length === 0) return [];
    return this.db
      .selectFrom('notificationAttempts')
      .selectAll()
      .where('notificationId', 'in', [...notificationIds])
      .orderBy('attemptedAt')
      .orderBy('id')
      .execute();
  }

  async attempts(notificationId: string): Promise<NotificationAttemptRow[]> {
    return this.db
      .selectFrom('notificationAttempts')
      .selectAll()
      .where('notificationId', '=', notificationId)
      .orderBy('attemptedAt')
      .execute();
  }

  /**
   * Puts a notification back in the queue, due now, with a fresh retry schedule (operator's resend). A claim in
   * progress is left alone: its outcome is written as usual and a live lease is not stolen.
   */
  async requeue(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('notifications')
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now, deliveredAt: null })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The notifications of these transactions and every attempt of each: two queries, for the timeline. */
  async forTransactions(
    ids: readonly string[],
  ): Promise<{ notifications: NotificationRow[]; attempts: NotificationAttemptRow[] }> {
    if (ids.length === 0) return { notifications: [], attempts: [] };
    const notifications = await this.db
      .selectFrom('notifications')
      .selectAll()
      .where('transactionId', 'in', ids)
      .orderBy('createdAt')
      .orderBy('ordinal')
      .execute();
    if (notifications.length === 0) return { notifications, attempts: [] };
    const attempts = await this.db
      .selectFrom('notificationAttempts')
      .selectAll()
      .where(
        'notificationId',
        'in',
        notifications.map((n) => n.id),
      )
      .orderBy('attemptedAt')
      .execute();
    return { notifications, attempts };
  }
}
