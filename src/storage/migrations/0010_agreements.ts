import type { Kysely } from 'kysely';

/**
 * Recurring agreements (issue 15 §1). An agreement is declared with the registering transaction
 * (`transaction_id`) and becomes binding when that payment is paid: then `network_txn_id` is set to the network
 * id the profile (or the profile-less `STANDARD` chain) quotes, which is how a debit finds it — the profile's
 * `first_transaction_id`, or the `STANDARD` payment's `firstTransactionId`. A re-registration that refreshes the
 * profile quotes its own new id, so its own agreement (or none) is what counts from then on.
 *
 * `agreement_debits` lists the merchant-initiated debits sent under an agreement; the transaction's status
 * says which of them count (see docs/recurring.md). `shops.agreement_required` makes a declaration mandatory
 * for recurring registrations. `sandbox_ledger.recurring` is what the sandbox acquirer received as EMV 3-D
 * Secure recurring data (JSON), so a test (or a person) can see it. `payment_links.agreement` is the agreement a
 * recurring payment link declares (the terms as JSON), passed on to the registration its payer makes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('agreements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull().unique())
    .addColumn('network_txn_id', 'text')
    .addColumn('profile_id', 'text')
    .addColumn('amount', 'bigint')
    .addColumn('max_amount', 'bigint')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('interval_unit', 'text')
    .addColumn('interval_count', 'integer')
    .addColumn('min_days', 'integer')
    .addColumn('start_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .addColumn('max_cycles', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('agreements_network')
    .on('agreements')
    .columns(['merchant_id', 'network_txn_id'])
    .unique()
    .execute();
  await db.schema
    .createTable('agreement_debits')
    .addColumn('transaction_id', 'text', (c) => c.primaryKey())
    .addColumn('agreement_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('agreement_debits_agreement')
    .on('agreement_debits')
    .columns(['agreement_id', 'created_at'])
    .execute();
  await db.schema
    .alterTable('shops')
    .addColumn('agreement_required', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('sandbox_ledger').addColumn('recurring', 'text').execute();
  await db.schema.alterTable('payment_links').addColumn('agreement', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payment_links').dropColumn('agreement').execute();
  await db.schema.alterTable('sandbox_ledger').dropColumn('recurring').execute();
  await db.schema.alterTable('shops').dropColumn('agreement_required').execute();
  await db.schema.dropTable('agreement_debits').execute();
  await db.schema.dropTable('agreements').execute();
}
