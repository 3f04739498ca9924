import type { Kysely } from 'kysely';
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
import type { Database } from './schema.js';

type Row = Database['transactions'];

function toRow(t: Transaction): Row {
  return { ...t, customer: t.customer ? JSON.stringify(t.customer) : null };
}

function toTransaction(row: Row): Transaction {
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
    'status' | 'stage' | 'statusCode' | 'networkTxnId' | 'profileId' | 'modifiedAt' | 'challengeExpiresAt'
  >
>;

export class TransactionRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async insertTransaction(t: Transaction): Promise<void> {
    await this.db.insertInto('transactions').values(toRow(t)).execute();
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
  async listInStage(stage: TransactionStage, before: number, limit: number): Promise<Transaction[]> {
    const column = stage === 'challenge' ? 'challengeExpiresAt' : 'modifiedAt';
    const rows = await this.db
      .selectFrom('transactions')
      .selectAll()
      .where('stage', '=', stage)
      .where(column, '<', before)
      .orderBy(column)
      .limit(limit)
      .execute();
    return rows.map(toTransaction);
  }
}
