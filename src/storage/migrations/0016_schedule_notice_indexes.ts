import type { Kysely } from 'kysely';

// The notices runner's claim looks for schedules whose pre-billing notice or card-expiry notice is due, over every
// shop (the worker, each round) or one shop (a test clock). Without these indexes each round read every
// schedule: with 100 000 of them that scan was most of a billing run's database time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('schedules_notice').on('schedules').columns(['notice_at']).execute();
  await db.schema
    .createIndex('schedules_expiry_notice')
    .on('schedules')
    .columns(['expiry_notice_at'])
    .execute();
  await db.schema
    .createIndex('schedules_shop_expiry_notice')
    .on('schedules')
    .columns(['service_id', 'expiry_notice_at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['schedules_notice', 'schedules_expiry_notice', 'schedules_shop_expiry_notice']) {
    await db.schema.dropIndex(index).execute();
  }
}
