/**
 * The `cycles` scenario: N schedules (default 100 000, `--quick` 5 000) fall due at the same instant and the
 * gateway's worker charges them — on one instance, and (PostgreSQL) on two instances sharing the database.
 * Reported: cycles per second from the due instant to the last cycle finalised, the ratio to the `debit`
 * scenario's requests per second in the same run (target ≥ 0.8×), and duplicates found in the sandbox
 * acquirer's own ledger (must be 0). See docs/performance.md and docs/recurring.md.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Config } from '../src/config/config.js';
import { newId } from '../src/domain/ids.js';
import { openStorage } from '../src/storage/open.js';
import type { Storage } from '../src/storage/storage.js';
import { benchUuid } from './ids.js';
import type { ServerProcess } from './server-process.js';

export interface CyclesRun {
  instances: number;
  schedules: number;
  seconds: number;
  cyclesPerSecond: number;
  /** cycles/s ÷ the `debit` scenario's req/s of the same configuration. */
  vsDebit: number | null;
  /** Approved authorisations in the ledger beyond one per (schedule, cycle). */
  duplicates: number;
  /** Cycles not charged when the run gave up (0 when it finished). */
  unfinished: number;
  /**
   * The run's notifications (each cycle's imoje transaction notification and its `schedule.cycle.*` event),
   * and how many of them were still waiting to be delivered when the last cycle was charged: the worker
   * charges and delivers in turns, so delivery catches up afterwards.
   */
  notificationsTotal: number;
  notificationsQueued: number;
}

const AMOUNT = 4321;
const BATCH = 500;

/** Inserts `n` schedules on the seeded RECURRING profiles (the odd indexes), every one due at `dueAt`. */
async function seedSchedules(
  storage: Storage,
  t: { merchantId: string; serviceId: string },
  profiles: number,
  n: number,
  dueAt: number,
): Promise<string> {
  const tag = newId().slice(0, 8);
  const recurring = Math.floor(profiles / 2);
  for (let i = 0; i < n; i += BATCH) {
    const rows = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++) {
      rows.push({
        id: newId(),
        merchantId: t.merchantId,
        serviceId: t.serviceId,
        profileId: benchUuid('profile', 2 * (j % recurring) + 1),
        amount: AMOUNT,
        currency: 'PLN',
        title: `bench ${tag}`,
        intervalUnit: 'month',
        intervalCount: 1,
        startAt: dueAt,
        endAt: null,
        maxCycles: null,
        status: 'active',
        endReason: null,
        cycle: 1,
        cycleDueAt: dueAt,
        attempts: 0,
        chargeAt: dueAt,
        noticeAt: null,
        expiryNoticeAt: null,
        blockedCardId: null,
        cyclesSettled: 0,
        lastTransactionId: null,
        leaseOwner: null,
        leaseUntil: null,
        createdAt: dueAt,
        modifiedAt: dueAt,
      });
    }
    await storage.db.insertInto('schedules').values(rows).execute();
  }
  return `bench ${tag}`;
}

/**
 * Whether any of the run's schedules is still due at `dueAt`: the first entry of the `charge_at` index's
 * range, so polling costs the database next to nothing (a count over the schedules would be a scan of them,
 * billed to the gateway under test, every poll).
 */
async function anyDue(storage: Storage, title: string, dueAt: number): Promise<boolean> {
  const row = await storage.db
    .selectFrom('schedules')
    .select('id')
    .where('chargeAt', '<=', dueAt)
    .where('title', '=', title)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** How many of the run's schedules have had their first cycle charged (now due for their second). */
async function progress(storage: Storage, title: string): Promise<number> {
  const row = await storage.db
    .selectFrom('schedules')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('title', '=', title)
    .where('cycle', '=', 2)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The notifications of the run's schedules and their debits: all of them, and those not yet delivered. */
async function notificationsOf(storage: Storage, title: string): Promise<{ total: number; queued: number }> {
  const row = await storage.db
    .selectFrom('notifications as n')
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      sql<number>`count(*) filter (where n.status = 'pending')`.as('queued'),
    ])
    .where((eb) =>
      eb.or([
        eb('n.transactionId', 'in', eb.selectFrom('schedules').select('id').where('title', '=', title)),
        eb(
          'n.transactionId',
          'in',
          eb
            .selectFrom('scheduleAttempts as a')
            .innerJoin('schedules as s', 's.id', 'a.scheduleId')
            .select('a.transactionId')
            .where('s.title', '=', title),
        ),
      ]),
    )
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), queued: Number(row.queued) };
}

async function duplicates(storage: Storage, title: string): Promise<number> {
  const rows = await storage.db
    .selectFrom('sandboxLedger as l')
    .innerJoin('scheduleAttempts as a', 'a.transactionId', 'l.reference')
    .innerJoin('schedules as s', 's.id', 'a.scheduleId')
    .select(['a.scheduleId', 'a.cycle', sql<number>`count(*)`.as('n')])
    .where('s.title', '=', title)
    .where('l.operation', '=', 'authorize')
    .where('l.outcome', '=', 'approved')
    .groupBy(['a.scheduleId', 'a.cycle'])
    .having(sql`count(*)`, '>', 1)
    .execute();
  const orphans = await storage.db
    .selectFrom('sandboxLedger as l')
    .leftJoin('scheduleAttempts as a', 'a.transactionId', 'l.reference')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('l.amount', '=', AMOUNT)
    .where('a.transactionId', 'is', null)
    .executeTakeFirstOrThrow();
  return rows.reduce((sum, r) => sum + Number(r.n) - 1, 0) + Number(orphans.n);
}

/**
 * One run: seeds the schedules due a few seconds ahead, starts `instances` gateways (worker on), and times
 * the due instant → the last cycle charged.
 */
export async function runCycles(o: {
  config: Config;
  target: { merchantId: string; serviceId: string; profiles: number };
  schedules: number;
  instances: number;
  debitRps: number | undefined;
  start: () => Promise<ServerProcess>;
  log: (line: string) => void;
}): Promise<CyclesRun> {
  const storage = await openStorage(o.config.database);
  try {
    const lead = 6000 + o.instances * 4000;
    const dueAt = Date.now() + lead + Math.ceil(o.schedules / 20);
    const title = await seedSchedules(storage, o.target, o.target.profiles, o.schedules, dueAt);
    const servers: ServerProcess[] = [];
    try {
      for (let i = 0; i < o.instances; i++) servers.push(await o.start());
      if (Date.now() >= dueAt)
        o.log('    (the gateways started after the due instant: the time includes start-up)');
      await sleep(Math.max(0, dueAt - Date.now()));
      const began = Math.max(Date.now(), dueAt);
      const giveUp = began + Math.max(120_000, o.schedules * 20);
      while (Date.now() < giveUp) {
        await sleep(200);
        if (!(await anyDue(storage, title, dueAt))) break;
      }
      const seconds = (Date.now() - began) / 1000;
      const done = await progress(storage, title);
      const notes = await notificationsOf(storage, title);
      const cyclesPerSecond = done / seconds;
      const run: CyclesRun = {
        instances: o.instances,
        schedules: o.schedules,
        seconds,
        cyclesPerSecond,
        vsDebit: o.debitRps ? cyclesPerSecond / o.debitRps : null,
        duplicates: await duplicates(storage, title),
        unfinished: o.schedules - done,
        notificationsTotal: notes.total,
        notificationsQueued: notes.queued,
      };
      o.log(
        `  cycles    ${o.instances} instance${o.instances > 1 ? 's' : ' '} ${cyclesPerSecond.toFixed(0).padStart(6)} cycles/s  ` +
          `${o.schedules} in ${seconds.toFixed(1)} s  vs debit ${run.vsDebit?.toFixed(2) ?? '—'}×  ` +
          `duplicates ${run.duplicates}  unfinished ${run.unfinished}  ` +
          `notifications queued ${run.notificationsQueued}/${run.notificationsTotal}`,
      );
      return run;
    } finally {
      for (const s of servers) await s.stop();
    }
  } finally {
    await storage.close();
  }
}
