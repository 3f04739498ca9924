import type { Kysely } from 'kysely';

// The imoje connector's own book of what it asked upstream: a row is written before a request leaves (state
// `asking`) and completed when upstream answers (its transaction id, the outcome). imoje has no idempotency
// keys, so this row is what keeps a reference from being sent twice (docs/connectors.md).
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('imoje_attempts')
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('sale_reference', 'text')
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('upstream_id', 'text')
    .addColumn('outcome', 'text')
    .addColumn('code', 'text')
    .addColumn('network_txn_id', 'text')
    .addColumn('asked_at', 'bigint', (c) => c.notNull())
    .addColumn('answered_at', 'bigint')
    .addPrimaryKeyConstraint('imoje_attempts_pk', ['reference', 'operation'])
    .execute();
  await db.schema.createIndex('imoje_attempts_upstream').on('imoje_attempts').column('upstream_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('imoje_attempts').execute();
}
