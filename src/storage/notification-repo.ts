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
   * Claims up to `limit` due notifications for `owner` until `lockUntil`. A notification is due only when no
   * earlier notification of the same transaction is still pending, so one transaction's events arrive in order.
   * The claim is one UPDATE whose subquery picks the rows (skipping rows locked by a concurrent claimer on
   * PostgreSQL; SQLite runs the statement alone), so two workers never claim the same row.
   */
  async claimDue(owner: string, now: number, lockUntil: number, limit: number): Promise<NotificationRow[]> {
    let due = this.db
      .selectFrom('notifications as n')
      .select('n.id')
      .where('n.status', '=', 'pending')
      .where('n.nextAttemptAt', '<=', now)
      .where((eb) => eb.or([eb('n.lockedUntil', 'is', null), eb('n.lockedUntil', '<', now)]))
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
    if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
    const claimed = await this.db
      .updateTable('notifications')
      .set({ lockedBy: owner, lockedUntil: lockUntil })
      .where('id', 'in', due)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return [];
    return this.db
      .selectFrom('notifications')
      .selectAll()
      .where('lockedBy', '=', owner)
      .where('lockedUntil', '=', lockUntil)
      .where('status', '=', 'pending')
      .orderBy('nextAttemptAt')
      .execute();
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
}
