import type { Kysely } from 'kysely';
import type { AcquirerOperation } from '../acquirer/acquirer.js';
import type { LedgerEntry, SandboxLedger } from '../acquirer/sandbox/ledger.js';
import type { Database } from './schema.js';
import type { Dialect } from './connect.js';

type Row = Database['sandboxLedger'];

function toEntry(row: Row): LedgerEntry {
  return {
    ...row,
    operation: row.operation as AcquirerOperation,
    outcome: row.outcome as LedgerEntry['outcome'],
    captured: row.captured === 1,
  };
}

/** The sandbox acquirer's ledger, in its own table; nothing of the gateway writes here. */
export class SandboxLedgerStore implements SandboxLedger {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async record(entry: LedgerEntry): Promise<LedgerEntry> {
    await this.db
      .insertInto('sandboxLedger')
      .values({ ...entry, captured: entry.captured ? 1 : 0 })
      .onConflict((oc) => oc.columns(['reference', 'operation']).doNothing())
      .execute();
    const stored = await this.find(entry.reference, entry.operation);
    if (!stored) throw new Error('sandbox ledger: entry vanished after insert');
    if (entry.operation === 'capture' && stored.outcome === 'approved') {
      await this.db
        .updateTable('sandboxLedger')
        .set({ captured: 1 })
        .where('reference', '=', entry.reference)
        .where('operation', '=', 'authorize')
        .execute();
    }
    return stored;
  }

  async recordRefund(entry: LedgerEntry, charged: number): Promise<LedgerEntry> {
    return this.db.transaction().execute(async (trx) => {
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

  async find(reference: string, operation: AcquirerOperation): Promise<LedgerEntry | undefined> {
    const row = await this.db
      .selectFrom('sandboxLedger')
      .selectAll()
      .where('reference', '=', reference)
      .where('operation', '=', operation)
      .executeTakeFirst();
    return row && toEntry(row);
  }

  async list(): Promise<LedgerEntry[]> {
    const rows = await this.db.selectFrom('sandboxLedger').selectAll().orderBy('createdAt').execute();
    return rows.map(toEntry);
  }
}
