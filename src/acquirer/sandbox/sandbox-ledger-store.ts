import { CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { AcquirerOperation } from '../acquirer.js';
import type { LedgerEntry, SandboxLedger } from './ledger.js';
import type { Database } from '../../storage/schema.js';
import type { Dialect } from '../../storage/connect.js';
import { prepared } from '../../storage/prepared.js';

type Row = Database['sandboxLedger'];

const COLUMNS = [
  'reference',
  'operation',
  'saleReference',
  'amount',
  'currency',
  'maskedPan',
  'initiator',
  'storedCredential',
  'quotedNetworkTxnId',
  'threeDs',
  'captured',
  'outcome',
  'code',
  'networkTxnId',
  'merchantAdvice',
  'createdAt',
  'recurring',
] as const satisfies ReadonlyArray<keyof Row>;

const insertQuery = prepared((db, arg) =>
  db
    .insertInto('sandboxLedger')
    .values(Object.fromEntries(COLUMNS.map((column, i) => [column, arg(i)])) as unknown as Row)
    .onConflict((oc) => oc.columns(['reference', 'operation']).doNothing()),
);

const snake = (column: string) => column.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * PostgreSQL: insertQuery with an asynchronous commit. `set_config(…, true)` holds for the statement's own
 * implicit transaction only, so the commit returns without waiting for its WAL flush and the session's
 * setting is untouched afterwards. The same reasoning as `synchronous=NORMAL` on SQLite (see the class): the
 * WAL is one sequential log and the gateway's next synchronous commit — the debit's finalisation — flushes it
 * past this entry, so every outcome the gateway has durably recorded has its ledger entry durable behind it.
 */
const insertLazyPostgres =
  `insert into sandbox_ledger (${COLUMNS.map(snake).join(', ')}) ` +
  `select ${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')} ` +
  `from (select set_config('synchronous_commit', 'off', true)) as lazy_commit ` +
  `on conflict (reference, operation) do nothing`;

const findQuery = prepared((db, arg) =>
  db.selectFrom('sandboxLedger').selectAll().where('reference', '=', arg(0)).where('operation', '=', arg(1)),
);

const SYNC_NORMAL = CompiledQuery.raw('pragma synchronous = normal');
const SYNC_FULL = CompiledQuery.raw('pragma synchronous = full');

function toEntry({ recurring, ...row }: Row): LedgerEntry {
  return {
    ...row,
    // Only an entry that carried recurring data has the field, as the entry recorded had it.
    ...(recurring === null ? {} : { recurring }),
    operation: row.operation as AcquirerOperation,
    outcome: row.outcome as LedgerEntry['outcome'],
    captured: row.captured === 1,
  };
}

/**
 * The sandbox acquirer's ledger, in its own table; nothing of the gateway writes here.
 *
 * It stands for a remote system, so its commits are its own, but on SQLite with `synchronous=FULL` they are
 * written with `synchronous=NORMAL` (`lazyCommits`): a ledger commit reaches the operating system (it survives
 * a crash of the process) without its own `fsync`. It shares the database's WAL, which is one sequential log,
 * so the gateway's next `FULL` commit — a debit's finalisation, which comes after the ledger entry — flushes
 * the entry with it: whenever the gateway's record of an outcome is durable, the ledger entry behind it is
 * too. A power loss in between loses the entry only together with the outcome, leaving the pending
 * transaction, which recovery resolves by asking the ledger (docs/performance.md, "Durability"). On PostgreSQL
 * an authorisation's entry commits asynchronously for the same reason (insertLazyPostgres).
 */
export class SandboxLedgerStore implements SandboxLedger {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly lazyCommits = false,
  ) {}

  /**
   * Runs the ledger's writes on one connection held for them alone (no gateway statement can run, or commit,
   * on it meanwhile) with `synchronous=NORMAL`, and puts `FULL` back before letting the connection go.
   */
  private async write<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    if (!this.lazyCommits) return work(this.db);
    return this.db.connection().execute(async (db) => {
      await db.executeQuery(SYNC_NORMAL);
      try {
        return await work(db);
      } finally {
        await db.executeQuery(SYNC_FULL);
      }
    });
  }

  async record(entry: LedgerEntry): Promise<LedgerEntry> {
    return this.write(async (db) => {
      const row: Row = { ...entry, recurring: entry.recurring ?? null, captured: entry.captured ? 1 : 0 };
      const values = COLUMNS.map((column) => row[column] ?? null);
      const inserted: QueryResult<unknown> =
        this.dialect === 'postgres'
          ? await db.executeQuery(CompiledQuery.raw(insertLazyPostgres, values))
          : await insertQuery.execute(db, this.dialect, values);
      // Recorded now, or already (the same reference again): then the first entry stands.
      const stored =
        Number(inserted.numAffectedRows ?? 0) > 0
          ? entry
          : await this.findIn(db, entry.reference, entry.operation);
      if (!stored) throw new Error('sandbox ledger: entry vanished after insert');
      if (entry.operation === 'capture' && stored.outcome === 'approved') {
        await db
          .updateTable('sandboxLedger')
          .set({ captured: 1 })
          .where('reference', '=', entry.reference)
          .where('operation', '=', 'authorize')
          .execute();
      }
      return stored;
    });
  }

  async recordRefund(entry: LedgerEntry, charged: number): Promise<LedgerEntry> {
    return this.write((db) => this.recordRefundIn(db, entry, charged));
  }

  private async recordRefundIn(
    db: Kysely<Database>,
    entry: LedgerEntry,
    charged: number,
  ): Promise<LedgerEntry> {
    return db.transaction().execute(async (trx) => {
      if (this.dialect === 'postgres' && entry.saleReference) {
        // Serialise refunds of one sale across processes on the sale's authorization row.
        await trx
          .selectFrom('sandboxLedger')
          .select('reference')
          .where('reference', '=', entry.saleReference)
          .where('operation', '=', 'authorize')
          .forUpdate()
          .execute();
      }
      const sum = await trx
        .selectFrom('sandboxLedger')
        .select((eb) => eb.fn.sum<number>('amount').as('total'))
        .where('saleReference', '=', entry.saleReference)
        .where('operation', '=', 'refund')
        .where('outcome', '=', 'approved')
        .executeTakeFirst();
      const refunded = Number(sum?.total ?? 0);
      const allowed = refunded + entry.amount <= charged;
      const final: LedgerEntry = allowed ? entry : { ...entry, outcome: 'declined', code: 'CODE_13' };
      await trx
        .insertInto('sandboxLedger')
        .values({ ...final, captured: 0 })
        .onConflict((oc) => oc.columns(['reference', 'operation']).doNothing())
        .execute();
      const stored = await trx
        .selectFrom('sandboxLedger')
        .selectAll()
        .where('reference', '=', entry.reference)
        .where('operation', '=', 'refund')
        .executeTakeFirstOrThrow();
      return toEntry(stored);
    });
  }

  find(reference: string, operation: AcquirerOperation): Promise<LedgerEntry | undefined> {
    return this.findIn(this.db, reference, operation);
  }

  private async findIn(
    db: Kysely<Database>,
    reference: string,
    operation: AcquirerOperation,
  ): Promise<LedgerEntry | undefined> {
    const [row] = (await findQuery.execute(db, this.dialect, [reference, operation])).rows;
    return row && toEntry(row);
  }

  async countQuoting(quotedNetworkTxnId: string): Promise<number> {
    const row = await this.db
      .selectFrom('sandboxLedger')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('quotedNetworkTxnId', '=', quotedNetworkTxnId)
      .where('operation', '=', 'authorize')
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async list(): Promise<LedgerEntry[]> {
    const rows = await this.db.selectFrom('sandboxLedger').selectAll().orderBy('createdAt').execute();
    return rows.map(toEntry);
  }
}
