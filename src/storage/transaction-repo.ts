import { sql, type Kysely } from 'kysely';
import type { Currency } from '../domain/money.js';
import type {
  Customer,
  Initiator,
  PaymentMethodCode,
  ProfileType,
  ProfileVariant,
  Transaction,
  TransactionSource,
  TransactionStage,
  TransactionStatus,
  TransactionType,
} from '../domain/transaction.js';
import type { Dialect } from './connect.js';
import { prepared } from './prepared.js';
import type { Database } from './schema.js';

type Row = Database['transactions'];

/** Every column, in one fixed order: the prepared INSERT binds them by position. */
const COLUMNS = [
  'id',
  'merchantId',
  'serviceId',
  'type',
  'status',
  'stage',
  'source',
  'amount',
  'currency',
  'orderId',
  'title',
  'paymentMethodCode',
  'notificationUrl',
  'successReturnUrl',
  'failureReturnUrl',
  'customer',
  'cardId',
  'profileId',
  'registers',
  'profileVariant',
  'initiator',
  'statusCode',
  'networkTxnId',
  'quotedNetworkTxnId',
  'parentId',
  'createdAt',
  'modifiedAt',
  'challengeExpiresAt',
  'acquirerDeadline',
  'authorizedAmount',
  'cid',
] as const satisfies ReadonlyArray<keyof Row>;

// A compile-time check that COLUMNS lists every column of the table.
type Missing = Exclude<keyof Row, (typeof COLUMNS)[number]>;
const everyColumn: [Missing] extends [never] ? true : Missing = true;
void everyColumn;

const insertQuery = prepared((db, arg) =>
  db
    .insertInto('transactions')
    .values(Object.fromEntries(COLUMNS.map((column, i) => [column, arg(i)])) as unknown as Row),
);

/** The status change a finalisation writes, compare-and-set on the stage. */
const finishQuery = prepared((db, arg) =>
  db
    .updateTable('transactions')
    .set({
      status: arg(0),
      stage: arg(1),
      statusCode: arg(2),
      networkTxnId: arg(3),
      profileId: arg(4),
      modifiedAt: arg(5),
      challengeExpiresAt: arg(6),
    })
    .where('id', '=', arg(7))
    .where('stage', '=', arg(8)),
);

export type FinishPatch = Required<
  Pick<
    Transaction,
    'status' | 'stage' | 'statusCode' | 'networkTxnId' | 'profileId' | 'modifiedAt' | 'challengeExpiresAt'
  >
>;

function toRow(t: Transaction): Row {
  return {
    ...t,
    customer: t.customer ? JSON.stringify(t.customer) : null,
    authorizedAmount: t.authorizedAmount ?? null,
    cid: t.customer?.cid ?? null,
  };
}

function toTransaction(full: Row): Transaction {
  // `cid` is a copy of `customer.cid` for the list's index, not a field of the domain type.
  const { cid: _cid, ...row } = full;
  return {
    ...row,
    type: row.type as TransactionType,
    status: row.status as TransactionStatus,
    stage: row.stage as TransactionStage,
    source: row.source as TransactionSource,
    currency: row.currency as Currency,
    paymentMethodCode: row.paymentMethodCode as PaymentMethodCode,
    customer: row.customer ? (JSON.parse(row.customer) as Customer) : null,
    registers: row.registers as ProfileType | null,
    profileVariant: row.profileVariant as ProfileVariant | null,
    initiator: row.initiator as Initiator,
  };
}

export type TransactionPatch = Partial<
  Pick<
    Transaction,
    | 'status'
    | 'stage'
    | 'statusCode'
    | 'networkTxnId'
    | 'profileId'
    | 'modifiedAt'
    | 'challengeExpiresAt'
    | 'acquirerDeadline'
    | 'amount'
    | 'authorizedAmount'
  >
>;

/** The list API's and dashboard's filter; every field optional, `merchantId` null for an operator (all). */
export interface TransactionSearch {
  merchantId: string | null;
  status?: TransactionStatus | undefined;
  type?: TransactionType | undefined;
  orderId?: string | undefined;
  cid?: string | undefined;
  amountMin?: number | undefined;
  amountMax?: number | undefined;
  createdFrom?: number | undefined;
  createdTo?: number | undefined;
  /** Strictly after this position in the order (created desc, id desc). */
  after?: { createdAt: number; id: string } | undefined;
  limit: number;
}

/** A listed transaction with what may be shown of its card: the brand and the last four digits. */
export type FoundTransaction = Transaction & { card: { brand: string; last4: string } | null };

/** One day's sales (UTC): how many finished, how many were paid, and the amount paid, per currency. */
export interface DailyVolume {
  day: number;
  currency: string;
  finished: number;
  paid: number;
  paidAmount: number;
}

export class TransactionRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async insertTransaction(t: Transaction): Promise<void> {
    const row = toRow(t);
    // Kysely leaves out a column whose value is undefined (so it stores NULL): the same here.
    await insertQuery.execute(
      this.db,
      this.dialect,
      COLUMNS.map((column) => row[column] ?? null),
    );
  }

  async getTransaction(merchantId: string, id: string): Promise<Transaction | undefined> {
    const row = await this.db
      .selectFrom('transactions')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toTransaction(row);
  }

  async getTransactionById(id: string): Promise<Transaction | undefined> {
    const row = await this.db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTransaction(row);
  }

  /**
   * Takes the row lock on PostgreSQL so that concurrent refunds, captures and state changes of one sale
   * serialise across processes. On SQLite every write transaction is already exclusive.
   */
  async lockTransaction(merchantId: string, id: string): Promise<Transaction | undefined> {
    let q = this.db
      .selectFrom('transactions')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .where('id', '=', id);
    if (this.dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row && toTransaction(row);
  }

  /** Compare-and-set: applies the patch only while the row is still in `expected`; returns whether it did. */
  async updateTransaction(
    id: string,
    patch: TransactionPatch,
    expected: { stage?: TransactionStage; status?: TransactionStatus } = {},
  ): Promise<boolean> {
    let q = this.db.updateTable('transactions').set(patch).where('id', '=', id);
    if (expected.stage) q = q.where('stage', '=', expected.stage);
    if (expected.status) q = q.where('status', '=', expected.status);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** {@link updateTransaction} with the whole of a finalisation's patch, as one prepared statement. */
  async finish(id: string, patch: FinishPatch, expectedStage: TransactionStage): Promise<boolean> {
    const result = await finishQuery.execute(this.db, this.dialect, [
      patch.status,
      patch.stage,
      patch.statusCode,
      patch.networkTxnId,
      patch.profileId,
      patch.modifiedAt,
      patch.challengeExpiresAt,
      id,
      expectedStage,
    ]);
    return Number(result.numAffectedRows ?? 0) > 0;
  }

  async listRefunds(parentId: string): Promise<Transaction[]> {
    const rows = await this.db
      .selectFrom('transactions')
      .selectAll()
      .where('parentId', '=', parentId)
      .where('type', '=', 'refund')
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    return rows.map(toTransaction);
  }

  async findByNetworkTxnId(merchantId: string, networkTxnId: string): Promise<Transaction | undefined> {
    const row = await this.db
      .selectFrom('transactions')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .where('networkTxnId', '=', networkTxnId)
      .where('type', '=', 'sale')
      .executeTakeFirst();
    return row && toTransaction(row);
  }

  /** Transactions stuck in a stage since before `before` (crash recovery, abandoned challenges). */
  /**
   * Transactions in `stage` since before `before` (a challenge: expiring before it). `scope.shopId`: only
   * that shop's (a test clock's advance); `scope.skipClockShops`: none of a test-clock shop's (the wall clock).
   */
  async listInStage(
    stage: TransactionStage,
    before: number,
    limit: number,
    scope: { shopId?: string; skipClockShops?: boolean } = {},
  ): Promise<Transaction[]> {
    const column = stage === 'challenge' ? 'challengeExpiresAt' : 'modifiedAt';
    let q = this.db
      .selectFrom('transactions')
      .selectAll()
      .where('stage', '=', stage)
      .where(column, '<', before);
    if (scope.shopId !== undefined) q = q.where('serviceId', '=', scope.shopId);
    if (scope.skipClockShops) {
      q = q.where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('shops as s')
              .select('s.id')
              .whereRef('s.id', '=', 'transactions.serviceId')
              .where('s.testClockAt', 'is not', null),
          ),
        ),
      );
    }
    const rows = await q.orderBy(column).limit(limit).execute();
    return rows.map(toTransaction);
  }

  /**
   * One page of transactions, newest first, ties broken by id so the order is total and a cursor is stable. Each
   * selective filter has its index (0015): (merchant, created, id) for the plain list, and (merchant, status,
   * created, id), (merchant, order_id), (merchant, cid, created) for the filters.
   */
  async search(f: TransactionSearch): Promise<FoundTransaction[]> {
    let q = this.db
      .selectFrom('transactions as t')
      .leftJoin('cards as c', 'c.id', 't.cardId')
      .selectAll('t')
      .select(['c.brand as cardBrand', 'c.last4 as cardLast4']);
    if (f.merchantId !== null) q = q.where('t.merchantId', '=', f.merchantId);
    if (f.status) q = q.where('t.status', '=', f.status);
    if (f.type) q = q.where('t.type', '=', f.type);
    if (f.orderId !== undefined) q = q.where('t.orderId', '=', f.orderId);
    if (f.cid !== undefined) q = q.where('t.cid', '=', f.cid);
    if (f.amountMin !== undefined) q = q.where('t.amount', '>=', f.amountMin);
    if (f.amountMax !== undefined) q = q.where('t.amount', '<=', f.amountMax);
    if (f.createdFrom !== undefined) q = q.where('t.createdAt', '>=', f.createdFrom);
    if (f.createdTo !== undefined) q = q.where('t.createdAt', '<', f.createdTo);
    const after = f.after;
    if (after) {
      q = q.where((eb) =>
        eb.or([
          eb('t.createdAt', '<', after.createdAt),
          eb.and([eb('t.createdAt', '=', after.createdAt), eb('t.id', '<', after.id)]),
        ]),
      );
    }
    const rows = await q.orderBy('t.createdAt', 'desc').orderBy('t.id', 'desc').limit(f.limit).execute();
    return rows.map(({ cardBrand, cardLast4, ...row }) => ({
      ...toTransaction(row),
      card: cardBrand && cardLast4 ? { brand: cardBrand, last4: cardLast4 } : null,
    }));
  }

  /** Sales per UTC day since `since`: one grouped query over (merchant, created). */
  async dailyVolume(merchantId: string | null, since: number): Promise<DailyVolume[]> {
    let q = this.db
      .selectFrom('transactions')
      .select((eb) => [
        sql<number | string>`created_at / 86400000`.as('day'),
        'currency',
        eb.fn.countAll<number | string>().as('finished'),
        sql<number | string>`sum(case when status in ('settled', 'authorized') then 1 else 0 end)`.as('paid'),
        sql<
          number | string | null
        >`sum(case when status in ('settled', 'authorized') then amount else 0 end)`.as('paidAmount'),
      ])
      .where('type', '=', 'sale')
      .where('status', 'in', ['settled', 'authorized', 'rejected', 'cancelled', 'error'])
      .where('createdAt', '>=', since);
    if (merchantId !== null) q = q.where('merchantId', '=', merchantId);
    const rows = await q.groupBy([sql`created_at / 86400000`, 'currency']).execute();
    return rows
      .map((r) => ({
        day: Number(r.day),
        currency: r.currency,
        finished: Number(r.finished),
        paid: Number(r.paid),
        paidAmount: Number(r.paidAmount ?? 0),
      }))
      .sort((a, b) => a.day - b.day || a.currency.localeCompare(b.currency));
  }

  /**
   * Test-clock shops' transactions in `stage` whose acquirer attempt has a deadline (real time) before
   * `deadlineBefore`: their `modifiedAt` is the shop's frozen time, so how long they have waited on the
   * acquirer is read from the deadline instead (the recovery chore, which works in real time).
   */
  async listInStageOfClockShops(
    stage: TransactionStage,
    deadlineBefore: number,
    limit: number,
  ): Promise<Transaction[]> {
    const rows = await this.db
      .selectFrom('transactions')
      .selectAll()
      .where('stage', '=', stage)
      .where('acquirerDeadline', '<', deadlineBefore)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('shops as s')
            .select('s.id')
            .whereRef('s.id', '=', 'transactions.serviceId')
            .where('s.testClockAt', 'is not', null),
        ),
      )
      .orderBy('acquirerDeadline')
      .limit(limit)
      .execute();
    return rows.map(toTransaction);
  }

  /** The earliest challenge expiry among the shop's open challenges, or null. */
  async nextChallengeExpiry(shopId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('transactions')
      .select((eb) => eb.fn.min('challengeExpiresAt').as('at'))
      .where('serviceId', '=', shopId)
      .where('stage', '=', 'challenge')
      .executeTakeFirst();
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  }
}
