import type { Kysely } from 'kysely';

/**
 * Shops' serviceKeys are sealed with the master key from now on. The version column says which master key
 * sealed the row; NULL marks a key still in clear, which the gateway seals at its next start (a migration
 * never sees the master key).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('shops').addColumn('service_key_version', 'integer').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('shops').dropColumn('service_key_version').execute();
}
