import type { Kysely } from 'kysely';

/**
 * Recurring payments run by Kartoteka (docs/recurring.md):
 * - `sandbox_ledger.merchant_advice`: the sandbox acquirer's Mastercard Merchant Advice Code of a decline.
 * - `shops`: the dunning policy (retries per cycle, over how many days) and the pre-billing notice (days ahead).
 * - `card_retry_states`: per merchant and card (fingerprint), what the last merchant-initiated debits came to,
 *   so that a reattempt the schemes would fine is refused before the acquirer is asked.
 * - `schedules`: one row per schedule, with its next due work (charge, notice, card-expiry notice) as
 *   columns the runners claim; `schedule_attempts`: one row per debit of a cycle, unique per
 *   (schedule, cycle, attempt) and written with the pending transaction, so a cycle's attempt is sent once.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sandbox_ledger').addColumn('merchant_advice', 'text').execute();
  await db.schema
    .alterTable('shops')
    .addColumn('retry_attempts', 'integer', (c) => c.notNull().defaultTo(4))
    .execute();
  await db.schema
    .alterTable('shops')
    .addColumn('retry_window_days', 'integer', (c) => c.notNull().defaultTo(14))
    .execute();
  await db.schema
    .alterTable('shops')
    .addColumn('notice_days', 'integer', (c) => c.notNull().defaultTo(7))
    .execute();

  await db.schema
    .createTable('card_retry_states')
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('last_decline_at', 'bigint')
    .addColumn('decline_class', 'text')
    .addColumn('retry_after', 'bigint')
    .addColumn('hard_declined_at', 'bigint')
    .addColumn('declined_expiry', 'text')
    .addColumn('window_started_at', 'bigint')
    .addColumn('reattempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('card_retry_states_pk', ['merchant_id', 'fingerprint'])
    .execute();

  await db.schema
    .createTable('schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('interval_unit', 'text', (c) => c.notNull())
    .addColumn('interval_count', 'integer', (c) => c.notNull())
    .addColumn('start_at', 'bigint', (c) => c.notNull())
    .addColumn('end_at', 'bigint')
    .addColumn('max_cycles', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('end_reason', 'text')
    .addColumn('cycle', 'integer', (c) => c.notNull())
    .addColumn('cycle_due_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('charge_at', 'bigint')
    .addColumn('notice_at', 'bigint')
    .addColumn('expiry_notice_at', 'bigint')
    .addColumn('blocked_card_id', 'text')
    .addColumn('cycles_settled', 'integer', (c) => c.notNull())
    .addColumn('last_transaction_id', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('schedules_charge').on('schedules').columns(['charge_at']).execute();
  await db.schema
    .createIndex('schedules_shop_charge')
    .on('schedules')
    .columns(['service_id', 'charge_at'])
    .execute();
  await db.schema
    .createIndex('schedules_shop_notice')
    .on('schedules')
    .columns(['service_id', 'notice_at'])
    .execute();
  await db.schema
    .createIndex('schedules_merchant')
    .on('schedules')
    .columns(['merchant_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('schedule_attempts')
    .addColumn('schedule_id', 'text', (c) => c.notNull())
    .addColumn('cycle', 'integer', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('schedule_attempts_pk', ['schedule_id', 'cycle', 'attempt'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('schedule_attempts').execute();
  await db.schema.dropTable('schedules').execute();
  await db.schema.dropTable('card_retry_states').execute();
  await db.schema.alterTable('shops').dropColumn('notice_days').execute();
  await db.schema.alterTable('shops').dropColumn('retry_window_days').execute();
  await db.schema.alterTable('shops').dropColumn('retry_attempts').execute();
  await db.schema.alterTable('sandbox_ledger').dropColumn('merchant_advice').execute();
}
