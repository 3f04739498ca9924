import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from './schema.js';

export type IdempotencyRecord = Database['idempotencyKeys'];

/** The stages in which a transaction waits on the acquirer. */
const WAITING_STAGES = ['authorizing', 'capturing', 'voiding'];

/** `unsettled` while the key's transaction still waits on the acquirer, else `done`: one expression, no read. */
function answeredState(eb: ExpressionBuilder<Database, 'idempotencyKeys'>) {
  return eb
    .case()
    .when(
      eb.exists(
        eb
          .selectFrom('transactions')
          .select('transactions.id')
          .whereRef('transactions.id', '=', 'idempotencyKeys.transactionId')
          .where('transactions.stage', 'in', WAITING_STAGES),
      ),
    )
    .then('unsettled')
    .else('done')
    .end();
}

export class IdempotencyRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Claims the key; false when it already exists (then read it with `getKey`). */
  async claim(record: IdempotencyRecord): Promise<boolean> {
    const result = await this.db
      .insertInto('idempotencyKeys')
      .values(record)
      .onConflict((oc) => oc.columns(['merchantId', 'key']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async getKey(merchantId: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.db
      .selectFrom('idempotencyKeys')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .where('key', '=', key)
      .executeTakeFirst();
  }

  /**
   * Stores the answer, if the caller still holds the key (`leaseUntil` is its lease; a holder that stalled past
   * it may have been taken over, and the taker answers); returns whether it did. While the key's transaction
   * still waits on the acquirer the answer is only provisional (`unsettled`): a replay then resumes the
   * transaction instead of repeating it, so a stored answer never contradicts what the acquirer did. Decided in
   * the same statement, so it costs no extra round trip.
   */
  async complete(
    merchantId: string,
    key: string,
    status: number,
    body: string,
    leaseUntil: number,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('idempotencyKeys')
      .set((eb) => ({
        state: answeredState(eb),
        responseStatus: status,
        responseBody: body,
      }))
      .where('merchantId', '=', merchantId)
      .where('key', '=', key)
      .where('state', '=', 'in_flight')
      .where('leaseUntil', '=', leaseUntil)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Replaces a provisional answer with a newer one; false when another replay did it first. The newer answer is
   * final only if the key's transaction no longer waits on the acquirer, as in `complete`: a replay that acted
   * (a capture resumed after the first never happened) may itself end without the acquirer's answer, and
   * storing that as `done` made the key answer `authorized` for good while the acquirer went on to capture.
   */
  async settle(merchantId: string, key: string, status: number, body: string): Promise<boolean> {
    const result = await this.db
      .updateTable('idempotencyKeys')
      .set((eb) => ({
        state: answeredState(eb),
        responseStatus: status,
        responseBody: body,
      }))
      .where('merchantId', '=', merchantId)
      .where('key', '=', key)
      .where('state', '=', 'unsettled')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Records the transaction the key's request stored, in the database transaction that stores it; false when
   * the key already names another one (or is gone). A holder that stalled longer than its lease (a paused
   * process) may find that a retry took the key over and stored its own payment meanwhile: its caller must
   * then roll back instead of charging a second time. With `clock` (the transaction is a test-clock shop's),
   * the key then expires at that shop's time and only that shop's clock expires it.
   */
  async attachTransaction(
    merchantId: string,
    key: string,
    transactionId: string,
    clock?: { shopId: string; expiresAt: number },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('idempotencyKeys')
      .set(
        clock ? { transactionId, clockShopId: clock.shopId, expiresAt: clock.expiresAt } : { transactionId },
      )
      .where('merchantId', '=', merchantId)
      .where('key', '=', key)
      .where((eb) => eb.or([eb('transactionId', 'is', null), eb('transactionId', '=', transactionId)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Forgets a claim whose request failed before it stored a transaction, so a retry may run again. A claim
   * with a transaction stays: the retry must resume that transaction, never create a second one. Only while
   * the caller still holds the key (`leaseUntil`): a holder taken over must not free the taker's claim.
   */
  async release(merchantId: string, key: string, leaseUntil: number): Promise<void> {
    await this.db
      .deleteFrom('idempotencyKeys')
      .where('merchantId', '=', merchantId)
      .where('key', '=', key)
      .where('state', '=', 'in_flight')
      .where('leaseUntil', '=', leaseUntil)
      .where('transactionId', 'is', null)
      .execute();
    // The holder is gone: a retry may resume its transaction at once instead of waiting out the lease.
    await this.db
      .updateTable('idempotencyKeys')
      .set({ leaseUntil: 0 })
      .where('merchantId', '=', merchantId)
      .where('key', '=', key)
      .where('state', '=', 'in_flight')
      .where('leaseUntil', '=', leaseUntil)
      .execute();
  }

  /**
   * Moves a claim's lease from `expectedLease` to `newLease`, compare-and-set: the holder's heartbeat (false
   * means it lost the key), or a retry taking over an abandoned claim (only one taker wins).
   */
  async takeOver(merchantId: string, key: string, expectedLease: number, newLease: number): Promise<boolean> {
    const result = await this.db
      .updateTable('idempotencyKeys')
      .set({ leaseUntil: newLease })
      .where('merchantId', '=', merchantId)
      .where('key', '=', key)
      .where('state', '=', 'in_flight')
      .where('leaseUntil', '=', expectedLease)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Forgets keys past `expiresAt`: with `shopId`, that test-clock shop's keys (at its time); without, every
   * other key (the wall clock's purge).
   */
  async deleteExpired(now: number, limit: number, shopId?: string): Promise<number> {
    const expired = this.db
      .selectFrom('idempotencyKeys')
      .select(['merchantId', 'key'])
      .where('expiresAt', '<', now)
      .where('clockShopId', shopId === undefined ? 'is' : '=', shopId ?? null)
      .limit(limit);
    const rows = await expired.execute();
    let deleted = 0;
    for (const row of rows) {
      const r = await this.db
        .deleteFrom('idempotencyKeys')
        .where('merchantId', '=', row.merchantId)
        .where('key', '=', row.key)
        .where('expiresAt', '<', now)
        .executeTakeFirst();
      deleted += Number(r.numDeletedRows);
    }
    return deleted;
  }

  /** When the test-clock shop's first key expires (`expiresAt` is the last moment it is kept), or null. */
  async nextExpiry(shopId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('idempotencyKeys')
      .select((eb) => eb.fn.min('expiresAt').as('at'))
      .where('clockShopId', '=', shopId)
      .executeTakeFirst();
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  }

  /** At start-up of a single-process (SQLite) gateway every in-flight claim is an orphan of the last run. */
  async expireAllLeases(): Promise<void> {
    await this.db
      .updateTable('idempotencyKeys')
      .set({ leaseUntil: 0 })
      .where('state', '=', 'in_flight')
      .execute();
  }
}
