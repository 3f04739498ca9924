import { sql, type Kysely, type QueryCreator } from 'kysely';
import type { EndReason, IntervalUnit, Schedule, ScheduleStatus } from '../domain/schedule.js';
import type { Dialect } from './connect.js';
import { ENQUEUED, NotificationRepo, type NotificationRow } from './notification-repo.js';
import type { Database } from './schema.js';

type Row = Database['schedules'];
export type ScheduleAttemptRow = Database['scheduleAttempts'];

/** The attempt (schedule, cycle, attempt) was already made: its row exists, so this debit must not be. */
export class AttemptTakenError extends Error {
  constructor() {
    super('schedule attempt already recorded');
    this.name = 'AttemptTakenError';
  }
}

/** The two kinds of due work on a schedule row: a debit of its cycle, or a notice (pre-billing, card expiry). */
export type ScheduleWork = 'charge' | 'notice';

/** Statuses whose schedules have work due; a paused, ended or cancelled one has none. */
const RUNNING: ScheduleStatus[] = ['active', 'past_due'];

function toSchedule(row: Row): Schedule {
  const { leaseOwner: _owner, leaseUntil: _until, ...rest } = row;
  return {
    ...rest,
    intervalUnit: row.intervalUnit as IntervalUnit,
    status: row.status as ScheduleStatus,
    endReason: row.endReason as EndReason | null,
  };
}

/** The columns a runner or a status change writes (everything but identity and terms). */
export type ScheduleProgress = Pick<
  Schedule,
  | 'status'
  | 'endReason'
  | 'cycle'
  | 'cycleDueAt'
  | 'attempts'
  | 'chargeAt'
  | 'noticeAt'
  | 'expiryNoticeAt'
  | 'blockedCardId'
  | 'cyclesSettled'
  | 'lastTransactionId'
  | 'modifiedAt'
>;

export function progressOf(s: Schedule): ScheduleProgress {
  return {
    status: s.status,
    endReason: s.endReason,
    cycle: s.cycle,
    cycleDueAt: s.cycleDueAt,
    attempts: s.attempts,
    chargeAt: s.chargeAt,
    noticeAt: s.noticeAt,
    expiryNoticeAt: s.expiryNoticeAt,
    blockedCardId: s.blockedCardId,
    cyclesSettled: s.cyclesSettled,
    lastTransactionId: s.lastTransactionId,
    modifiedAt: s.modifiedAt,
  };
}

/**
 * A claimed schedule. `takenOver`: it was still leased by a runner that did not let it go (one that died, or
 * left an attempt's payment pending), so an attempt of its current cycle may already have been made.
 */
export interface ClaimedSchedule {
  schedule: Schedule;
  takenOver: boolean;
}

/**
 * Schedules and their cycles' attempts. Work is claimed with a lease (`lease_owner`, `lease_until`, wall-clock
 * time): on PostgreSQL by one UPDATE … RETURNING whose subquery skips rows locked by a concurrent claimer; on
 * SQLite (one process) by a read of the candidates and an UPDATE that re-checks their lease. A runner writes
 * only while it holds the lease (compare-and-set on the owner).
 */
export class ScheduleRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Inserts unless a schedule with this id exists (a create retried under its Idempotency-Key). */
  async insertIfNew(s: Schedule): Promise<boolean> {
    const r = await this.db
      .insertInto('schedules')
      .values({ ...s, leaseOwner: null, leaseUntil: null })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return r !== undefined;
  }

  async get(merchantId: string, id: string): Promise<Schedule | undefined> {
    const row = await this.db
      .selectFrom('schedules')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toSchedule(row);
  }

  async list(
    merchantId: string,
    filter: { profileId?: string | undefined; status?: ScheduleStatus | undefined; limit: number },
  ): Promise<Schedule[]> {
    let q = this.db
      .selectFrom('schedules')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .orderBy('createdAt', 'desc')
      .orderBy('id');
    if (filter.profileId) q = q.where('profileId', '=', filter.profileId);
    if (filter.status) q = q.where('status', '=', filter.status);
    return (await q.limit(filter.limit).execute()).map(toSchedule);
  }

  /** Claims up to `limit` schedules of a shop (or of every shop: null) with `work` due at or before `now`. */
  async claimDue(
    work: ScheduleWork,
    shopId: string | null,
    now: number,
    lease: { owner: string; until: number; wallNow: number },
    limit: number,
    skipClockShops = false,
  ): Promise<ClaimedSchedule[]> {
    let due = this.db
      .selectFrom('schedules')
      .select('id')
      .where('status', 'in', RUNNING)
      .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<', lease.wallNow)]))
      .limit(limit);
    if (shopId !== null) due = due.where('serviceId', '=', shopId);
    if (skipClockShops) {
      // A test-clock shop's schedules are due at its time, not the wall clock's (its advance runs them).
      due = due.where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('shops as s')
              .select('s.id')
              .whereRef('s.id', '=', 'schedules.serviceId')
              .where('s.testClockAt', 'is not', null),
          ),
        ),
      );
    }
    due =
      work === 'charge'
        ? due.where('chargeAt', '<=', now).orderBy('chargeAt')
        : due.where((eb) => eb.or([eb('noticeAt', '<=', now), eb('expiryNoticeAt', '<=', now)]));
    const set = { leaseOwner: lease.owner, leaseUntil: lease.until };
    if (this.dialect === 'postgres') {
      // One statement: the rows come back from the UPDATE itself (a second query by lease owner would have no
      // index to use and scan every schedule, each claim), with the lease each had before.
      const rows = await this.db
        .updateTable('schedules')
        .from(due.select('leaseOwner as previousOwner').forUpdate().skipLocked().as('d'))
        .set(set)
        .whereRef('schedules.id', '=', 'd.id')
        .returningAll('schedules')
        .returning('d.previousOwner')
        .execute();
      return rows.map(({ previousOwner, ...row }) => ({
        schedule: toSchedule(row),
        takenOver: previousOwner !== null,
      }));
    }
    // SQLite (one process, statements one at a time): which were held is read first; the UPDATE re-checks
    // the lease, so a row another runner of this process claimed meanwhile is not taken twice.
    const candidates = await due.select('leaseOwner').execute();
    if (candidates.length === 0) return [];
    const held = new Set(candidates.filter((c) => c.leaseOwner !== null).map((c) => c.id));
    const rows = await this.db
      .updateTable('schedules')
      .set(set)
      .where(
        'id',
        'in',
        candidates.map((c) => c.id),
      )
      .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<', lease.wallNow)]))
      .returningAll()
      .execute();
    return rows.map((row) => ({ schedule: toSchedule(row), takenOver: held.has(row.id) }));
  }

  /** The earliest due moment of `work` for a shop's running schedules; null when none has any. */
  async nextDue(work: ScheduleWork, shopId: string): Promise<number | null> {
    const base = this.db
      .selectFrom('schedules')
      .where('serviceId', '=', shopId)
      .where('status', 'in', RUNNING);
    const columns = work === 'charge' ? (['chargeAt'] as const) : (['noticeAt', 'expiryNoticeAt'] as const);
    let next: number | null = null;
    for (const column of columns) {
      const row = await base.select((eb) => eb.fn.min<number | null>(column).as('at')).executeTakeFirst();
      const at = row?.at === null || row?.at === undefined ? null : Number(row.at);
      if (at !== null && (next === null || at < next)) next = at;
    }
    return next;
  }

  /**
   * Writes a runner's progress while it holds the lease and the status is still `expected` (a pause or cancel
   * through the API in between wins); returns whether it did.
   */
  async saveLeased(
    id: string,
    owner: string,
    expected: ScheduleStatus,
    p: ScheduleProgress,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('schedules')
      .set(p)
      .where('id', '=', id)
      .where('leaseOwner', '=', owner)
      .where('status', '=', expected)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * The runner's write of a schedule's next state ({@link saveLeased}; with `release`, the lease let go in the
   * same UPDATE) and of the notification rows of its events, only if the UPDATE matched. With at most one row
   * this is one statement on PostgreSQL (a data-modifying CTE; safe in `Storage.atomically`); otherwise, and
   * on SQLite, several, to be run in a transaction.
   */
  async saveLeasedAndEnqueue(
    id: string,
    owner: string,
    expected: ScheduleStatus,
    p: ScheduleProgress,
    release: boolean,
    notifications: ReadonlyArray<Omit<NotificationRow, 'ordinal'>>,
  ): Promise<boolean> {
    const update = (db: QueryCreator<Database>) =>
      db
        .updateTable('schedules')
        .set(release ? { ...p, leaseOwner: null, leaseUntil: null } : p)
        .where('id', '=', id)
        .where('leaseOwner', '=', owner)
        .where('status', '=', expected);
    const [only, ...more] = notifications;
    if (this.dialect === 'postgres' && only && more.length === 0) {
      const r = await this.db
        .with('saved', (db) => update(db).returning('id'))
        .insertInto('notifications')
        .columns([...ENQUEUED, 'ordinal'])
        .expression((eb) =>
          eb.selectFrom('saved').select([
            ...ENQUEUED.map((column) => sql.val(only[column] ?? null).as(column)),
            eb
              .selectFrom('notifications')
              .select(sql<number>`coalesce(max(ordinal), 0) + 1`.as('next'))
              .where('transactionId', '=', only.transactionId)
              .as('ordinal'),
          ]),
        )
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    }
    const r = await update(this.db).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    const outbox = new NotificationRepo(this.db, this.dialect);
    for (const n of notifications) await outbox.enqueue(n);
    return true;
  }

  /** The status changed under the runner (paused, cancelled): record the cycle's progress, keep the status. */
  async saveProgressOnly(
    id: string,
    owner: string,
    p: Omit<ScheduleProgress, 'status' | 'endReason'>,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('schedules')
      .set(p)
      .where('id', '=', id)
      .where('leaseOwner', '=', owner)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * At start-up of a single-process (SQLite) gateway, every held schedule belongs to the run that died (a test
   * clock's advance then resumes it at once, instead of waiting its lease out). Added with the test clock.
   */
  async expireAllLeases(): Promise<void> {
    await this.db
      .updateTable('schedules')
      .set({ leaseUntil: 0 })
      .where('leaseOwner', 'is not', null)
      .execute();
  }

  async release(id: string, owner: string): Promise<void> {
    await this.db
      .updateTable('schedules')
      .set({ leaseOwner: null, leaseUntil: null })
      .where('id', '=', id)
      .where('leaseOwner', '=', owner)
      .execute();
  }

  /** A status change through the API: compare-and-set on the status it was read with. */
  async transition(
    merchantId: string,
    id: string,
    from: ScheduleStatus,
    p: ScheduleProgress,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('schedules')
      .set(p)
      .where('merchantId', '=', merchantId)
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Records an attempt unless (schedule, cycle, attempt) exists: then it was made already, and false. */
  async insertAttemptIfNew(a: ScheduleAttemptRow): Promise<boolean> {
    const r = await this.db
      .insertInto('scheduleAttempts')
      .values(a)
      .onConflict((oc) => oc.columns(['scheduleId', 'cycle', 'attempt']).doNothing())
      .returning('scheduleId')
      .executeTakeFirst();
    return r !== undefined;
  }

  async getAttempt(
    scheduleId: string,
    cycle: number,
    attempt: number,
  ): Promise<ScheduleAttemptRow | undefined> {
    return this.db
      .selectFrom('scheduleAttempts')
      .selectAll()
      .where('scheduleId', '=', scheduleId)
      .where('cycle', '=', cycle)
      .where('attempt', '=', attempt)
      .executeTakeFirst();
  }

  async listAttempts(scheduleId: string): Promise<ScheduleAttemptRow[]> {
    return this.db
      .selectFrom('scheduleAttempts')
      .selectAll()
      .where('scheduleId', '=', scheduleId)
      .orderBy('cycle')
      .orderBy('attempt')
      .execute();
  }
}
