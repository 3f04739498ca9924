import type { Kysely } from 'kysely';

/**
 * A shop's test clock (sandbox only), on the shop row itself so the use cases read it with the shop they
 * already read (no extra round trip for shops without one): `test_clock_at` is the shop's frozen time (NULL:
 * real time). An advance in progress records its `test_clock_target` and holds `test_clock_owner` until
 * `test_clock_lease_until` (wall-clock ms, renewed while it runs), so a second advance is refused and one that
 * died is taken over and finished. An Idempotency-Key whose transaction is a test-clock shop's expires at that
 * shop's time: `clock_shop_id` names the shop (the wall-clock purge skips such keys; the shop's advance
 * expires them).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('shops').addColumn('test_clock_at', 'bigint').execute();
  await db.schema.alterTable('shops').addColumn('test_clock_target', 'bigint').execute();
  await db.schema.alterTable('shops').addColumn('test_clock_owner', 'text').execute();
  await db.schema.alterTable('shops').addColumn('test_clock_lease_until', 'bigint').execute();
  await db.schema.alterTable('idempotency_keys').addColumn('clock_shop_id', 'text').execute();
  await db.schema
    .createIndex('idempotency_keys_clock_shop')
    .on('idempotency_keys')
    .columns(['clock_shop_id', 'expires_at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('idempotency_keys_clock_shop').execute();
  await db.schema.alterTable('idempotency_keys').dropColumn('clock_shop_id').execute();
  for (const column of ['test_clock_lease_until', 'test_clock_owner', 'test_clock_target', 'test_clock_at']) {
    await db.schema.alterTable('shops').dropColumn(column).execute();
  }
}
