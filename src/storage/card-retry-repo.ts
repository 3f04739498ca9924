import type { Kysely } from 'kysely';
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
  };
}

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

  async put(merchantId: string, fingerprint: string, state: CardRetryState, now: number): Promise<void> {
    const values = { ...state, modifiedAt: now };
    await this.db
      .insertInto('cardRetryStates')
      .values({ merchantId, fingerprint, ...values })
      .onConflict((oc) => oc.columns(['merchantId', 'fingerprint']).doUpdateSet(values))
      .execute();
  }

  async clearForCard(merchantId: string, cardId: string): Promise<void> {
    await clearForCardQuery.execute(this.db, this.dialect, [merchantId, cardId]);
  }
}
