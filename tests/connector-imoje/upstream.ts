import { sql } from 'kysely';
import type { TestGateway } from '../support/gateway.js';

/** What instance A (upstream) holds for a payment instance B sent it: B's transaction id is A's orderId. */
export async function upstreamOf(a: TestGateway, bTransactionId: string) {
  const rows = await a.gateway.storage.db
    .selectFrom('transactions')
    .selectAll()
    .where('orderId', '=', bTransactionId)
    .execute();
  const ledger = await a.ledger.list();
  return rows.map((row) => ({ row, ledger: ledger.filter((e) => e.reference === row.id) }));
}

/** Every approved charge in A's ledger, to check nothing was charged twice. */
export async function approvedCharges(a: TestGateway) {
  return (await a.ledger.list()).filter((e) => e.operation === 'authorize' && e.outcome === 'approved');
}

/** Every row of every table B keeps, as text: what a card number in clear would show up in. */
export async function everythingStored(b: TestGateway): Promise<string> {
  const db = b.gateway.storage.db;
  const tables =
    b.gateway.storage.dialect === 'postgres'
      ? (
          await sql<{
            name: string;
          }>`select tablename as name from pg_tables where schemaname = current_schema()`.execute(db)
        ).rows
      : (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows;
  const out: string[] = [];
  for (const { name } of tables) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    out.push(
      JSON.stringify(rows.rows, (_k, v: unknown) =>
        typeof v === 'bigint' ? String(v) : Buffer.isBuffer(v) ? v.toString('latin1') : v,
      ),
    );
  }
  return out.join('\n');
}
