import { sql, type Kysely } from 'kysely';
import { advisoryLock, LOCK_NAMESPACE } from './advisory-lock.js';
import type { DeclineClassKind } from '../domain/decline-class.js';
import type { CardRetryState } from '../domain/reattempt.js';
import type { Dialect } from './connect.js';
import { prepared } from './prepared.js';
import type { Database } from './schema.js';

type Row = Database['cardRetryStates'];

const getQuery = prepared((db, arg) =>
  db
    .selectFrom('cardRetryStates')
    .selectAll()
    .where('merchantId', '=', arg(0))
    .where('fingerprint', '=', arg(1)),
);

/** Serialises the writers of one card's state (`getForUpdate`). */
const lockQuery = advisoryLock(LOCK_NAMESPACE.cardRetryState);

/** A new registration of the card (payer present, authenticated) forgets its declines: one statement. */
const clearForCardQuery = prepared((db, arg) =>
  db
    .deleteFrom('cardRetryStates')
    .where('merchantId', '=', arg(0))
    .where('fingerprint', '=', (eb) => eb.selectFrom('cards').select('fingerprint').where('id', '=', arg(1))),
);

export function toRetryState(row: Omit<Row, 'merchantId' | 'fingerprint' | 'modifiedAt'>): CardRetryState {
  return {
    lastDeclineAt: row.lastDeclineAt === null ? null : Number(row.lastDeclineAt),
    declineClass: row.declineClass as DeclineClassKind | null,
    retryAfter: row.retryAfter === null ? null : Number(row.retryAfter),
    hardDeclinedAt: row.hardDeclinedAt === null ? null : Number(row.hardDeclinedAt),
    declinedExpiry: row.declinedExpiry,
    windowStartedAt: row.windowStartedAt === null ? null : Number(row.windowStartedAt),
    reattempts: Number(row.reattempts),
    reattemptInFlight: row.reattemptInFlight,
  };
}

/**
 * The state's columns, in one order: what a reattempt's claim and a profile debit's pending INSERT compare with
 * the state their debit read (the whole state).
 */
export const RETRY_STATE_COLUMNS = [
  'lastDeclineAt',
  'declineClass',
  'retryAfter',
  'hardDeclinedAt',
  'declinedExpiry',
  'windowStartedAt',
  'reattempts',
  'reattemptInFlight',
] as const satisfies ReadonlyArray<keyof CardRetryState>;

/** Per merchant and card fingerprint, what its merchant-initiated debits came to (src/domain/reattempt.ts). */
export class CardRetryRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async get(merchantId: string, fingerprint: string): Promise<CardRetryState | undefined> {
    const [row] = (await getQuery.execute(this.db, this.dialect, [merchantId, fingerprint])).rows;
    return row && toRetryState(row);
  }

  /**
   * The card's state, read after waiting for any other transaction that is about to change it (PostgreSQL: a
   * transaction-scoped advisory lock on the merchant and fingerprint, which also covers a card with no state
   * row yet; SQLite has one writer). Call inside a transaction, before {@link put}.
   */
  async getForUpdate(merchantId: string, fingerprint: string): Promise<CardRetryState | undefined> {
    if (this.dialect === 'postgres')
      await lockQuery.execute(this.db, this.dialect, [merchantId, fingerprint]);
    return this.get(merchantId, fingerprint);
  }

  /**
   * Writes the card's state as a finaliser computed it. `finished` is the transaction being finalised: the
   * reattempt marker is cleared if it names that transaction and kept as stored otherwise (another reattempt's).
   */
  async put(
    merchantId: string,
    fingerprint: string,
    state: CardRetryState,
    now: number,
    finished: string,
  ): Promise<void> {
    const { reattemptInFlight: _ignored, ...values } = { ...state, modifiedAt: now };
    void _ignored;
    await this.db
      .insertInto('cardRetryStates')
      .values({ merchantId, fingerprint, ...values, reattemptInFlight: null })
      .onConflict((oc) =>
        oc.columns(['merchantId', 'fingerprint']).doUpdateSet({
          ...values,
          reattemptInFlight: sql<
            string | null
          >`case when card_retry_states.reattempt_in_flight = ${finished} then null else card_retry_states.reattempt_in_flight end`,
        }),
      )
      .execute();
  }

  /** A finalised reattempt whose outcome changes nothing else (an acquirer error) lets the card's marker go. */
  async releaseReattempt(merchantId: string, fingerprint: string, finished: string): Promise<void> {
    await this.db
      .updateTable('cardRetryStates')
      .set({ reattemptInFlight: null })
      .where('merchantId', '=', merchantId)
      .where('fingerprint', '=', fingerprint)
      .where('reattemptInFlight', '=', finished)
      .execute();
  }

  /**
   * Marks `transactionId` as the card's reattempt in flight, only while the stored state is still, column for
   * column, `seen` (what the reattempt rules allowed it on); returns whether it did. Inside the transaction that
   * stores the pending row: on PostgreSQL a concurrent claim of the card waits for this row until that
   * transaction ends, then finds it changed and claims nothing.
   */
  async claimReattempt(
    merchantId: string,
    fingerprint: string,
    seen: CardRetryState,
    transactionId: string,
    now: number,
  ): Promise<boolean> {
    let query = this.db
      .updateTable('cardRetryStates')
      .set({ reattemptInFlight: transactionId, modifiedAt: now })
      .where('merchantId', '=', merchantId)
      .where('fingerprint', '=', fingerprint);
    for (const column of RETRY_STATE_COLUMNS) {
      const value = seen[column];
      query = value === null ? query.where(column, 'is', null) : query.where(column, '=', value);
    }
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async clearForCard(merchantId: string, cardId: string): Promise<void> {
    await clearForCardQuery.execute(this.db, this.dialect, [merchantId, cardId]);
  }
}
