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
