import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A shop's test clock as stored on its row (migration 0012). */
export interface TestClockRow {
  shopId: string;
  merchantId: string;
  /** The shop's frozen time; null: the shop runs on real time. */
  at: number | null;
  /** Where an advance in progress (or one that died) is going. */
  target: number | null;
  owner: string | null;
  /** Wall-clock ms until which `owner` holds the advance. */
  leaseUntil: number | null;
}

/**
 * The test clocks (sandbox only). Every change is a compare-and-set on the shop row: an advance is held by one
 * owner under a renewed lease, and its clock only ever moves forward.
 */
export class TestClockRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async get(merchantId: string, shopId: string): Promise<TestClockRow | undefined> {
    const row = await this.db
      .selectFrom('shops')
      .select(['id', 'merchantId', 'testClockAt', 'testClockTarget', 'testClockOwner', 'testClockLeaseUntil'])
      .where('merchantId', '=', merchantId)
      .where('id', '=', shopId)
      .executeTakeFirst();
    return (
      row && {
        shopId: row.id,
        merchantId: row.merchantId,
        at: row.testClockAt === null ? null : Number(row.testClockAt),
        target: row.testClockTarget === null ? null : Number(row.testClockTarget),
        owner: row.testClockOwner,
        leaseUntil: row.testClockLeaseUntil === null ? null : Number(row.testClockLeaseUntil),
      }
    );
  }

  /** Starts the shop's clock at `at`; false when it already has one. */
  async freeze(shopId: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('shops')
      .set({ testClockAt: at, testClockTarget: null, testClockOwner: null, testClockLeaseUntil: null })
      .where('id', '=', shopId)
      .where('testClockAt', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Returns the shop to real time unless an advance holds it; its Idempotency-Keys then expire by the wall
   * clock. False when an advance is running.
   */
  async remove(shopId: string, wallNow: number): Promise<boolean> {
    const r = await this.db
      .updateTable('shops')
      .set({ testClockAt: null, testClockTarget: null, testClockOwner: null, testClockLeaseUntil: null })
      .where('id', '=', shopId)
      .where((eb) => eb.or([eb('testClockOwner', 'is', null), eb('testClockLeaseUntil', '<', wallNow)]))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    await this.db
      .updateTable('idempotencyKeys')
      .set({ clockShopId: null })
      .where('clockShopId', '=', shopId)
      .execute();
    return true;
  }

  /**
   * Takes the shop's advance for `owner` until `leaseUntil` (wall clock): when nobody holds it, or its holder's
   * lease ran out (it died). A target left by a dead holder stays, so the new holder finishes it first.
   */
  async claim(shopId: string, owner: string, leaseUntil: number, wallNow: number): Promise<boolean> {
    const r = await this.db
      .updateTable('shops')
      .set({ testClockOwner: owner, testClockLeaseUntil: leaseUntil })
      .where('id', '=', shopId)
      .where('testClockAt', 'is not', null)
      .where((eb) => eb.or([eb('testClockOwner', 'is', null), eb('testClockLeaseUntil', '<', wallNow)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Keeps the lease (and, with `target`, records where the advance goes); false when `owner` lost it. */
  async renew(shopId: string, owner: string, leaseUntil: number, target?: number): Promise<boolean> {
    const r = await this.db
      .updateTable('shops')
      .set(
        target === undefined
          ? { testClockLeaseUntil: leaseUntil }
          : { testClockLeaseUntil: leaseUntil, testClockTarget: target },
      )
      .where('id', '=', shopId)
      .where('testClockOwner', '=', owner)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Moves the clock to `at`, never backwards, while `owner` holds the advance; false when it lost it. */
  async step(shopId: string, owner: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('shops')
      .set({ testClockAt: at })
      .where('id', '=', shopId)
      .where('testClockOwner', '=', owner)
      .where('testClockAt', '<=', at)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The advance is done: the target is reached and the shop is free for the next one. */
  async finish(shopId: string, owner: string): Promise<boolean> {
    const r = await this.db
      .updateTable('shops')
      .set({ testClockTarget: null, testClockOwner: null, testClockLeaseUntil: null })
      .where('id', '=', shopId)
      .where('testClockOwner', '=', owner)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Test-clock shops no advance holds: the worker runs what is due at their (frozen) time. */
  async listIdle(wallNow: number): Promise<Array<{ shopId: string; at: number }>> {
    const rows = await this.db
      .selectFrom('shops')
      .select(['id', 'testClockAt'])
      .where('testClockAt', 'is not', null)
      .where((eb) => eb.or([eb('testClockOwner', 'is', null), eb('testClockLeaseUntil', '<', wallNow)]))
      .execute();
    return rows.map((r) => ({ shopId: r.id, at: Number(r.testClockAt) }));
  }

  /** At start-up of a single-process (SQLite) gateway, an advance in progress belongs to a run that died. */
  async expireAllLeases(): Promise<void> {
    await this.db
      .updateTable('shops')
      .set({ testClockLeaseUntil: 0 })
      .where('testClockOwner', 'is not', null)
      .execute();
  }

  /** Production mode has no test clocks: any left from a sandbox run are returned to real time. */
  async removeAll(): Promise<number> {
    const r = await this.db
      .updateTable('shops')
      .set({ testClockAt: null, testClockTarget: null, testClockOwner: null, testClockLeaseUntil: null })
      .where('testClockAt', 'is not', null)
      .executeTakeFirst();
    await this.db
      .updateTable('idempotencyKeys')
      .set({ clockShopId: null })
      .where('clockShopId', 'is not', null)
      .execute();
    return Number(r.numUpdatedRows);
  }
}
