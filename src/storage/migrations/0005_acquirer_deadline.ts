import type { Kysely } from 'kysely';

/**
 * The deadline of a transaction's current acquirer attempt: after it the acquirer must not act on the request,
 * so "not found at the acquirer" means "never done". Null for rows written before this migration; recovery
 * then falls back to the time the attempt started.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('transactions').addColumn('acquirer_deadline', 'bigint').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('transactions').dropColumn('acquirer_deadline').execute();
}
