import type { Kysely } from 'kysely';
import type { Dialect } from './connect.js';
import { prepared } from './prepared.js';
import type { Database } from './schema.js';

export type TransactionEventRow = Database['transactionEvents'];

const COLUMNS = [
  'id',
  'transactionId',
  'at',
  'kind',
  'status',
  'code',
  'detail',
] as const satisfies ReadonlyArray<keyof TransactionEventRow>;

// Written inside the finalisation's database transaction on every payment: compiled once, like the other
// statements of that path (src/storage/prepared.ts).
const insertQuery = prepared((db, arg) =>
  db
    .insertInto('transactionEvents')
    .values(Object.fromEntries(COLUMNS.map((c, i) => [c, arg(i)])) as unknown as TransactionEventRow),
);

/** The timeline's steps that leave no other trace (migration 0015). */
export class EventRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async record(event: TransactionEventRow): Promise<void> {
    await insertQuery.execute(
      this.db,
      this.dialect,
      COLUMNS.map((c) => event[c] ?? null),
    );
  }

  /** The events of these transactions (a sale and its refunds), oldest first: one query. */
  async forTransactions(ids: readonly string[]): Promise<TransactionEventRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .selectFrom('transactionEvents')
      .selectAll()
      .where('transactionId', 'in', ids)
      .orderBy('at')
      .orderBy('id')
      .execute();
  }
}
