import type { Kysely } from 'kysely';

// Per-shop amount limits in minor units. The defaults are the API's own amount range at the time of writing
// (MIN_AMOUNT/MAX_AMOUNT), spelled out because a migration must not change when the code does.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('shops')
    .addColumn('min_transaction', 'bigint', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('shops')
    .addColumn('max_transaction', 'bigint', (c) => c.notNull().defaultTo(999_999_999))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('shops').dropColumn('max_transaction').execute();
  await db.schema.alterTable('shops').dropColumn('min_transaction').execute();
}
