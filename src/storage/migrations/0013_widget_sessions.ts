import type { Kysely } from 'kysely';

// One row per opening of the widget (or of the hosted paywall's card form), so any instance serves any of its
// requests. The id is a bearer secret (it is in the form's URL): only its SHA-256 is stored. `document` is the
// whole session as JSON (no card data: the card goes straight to the payment); `state` and `transaction_id`
// are copies of its fields that writers compare-and-set, so two instances can't both start its payment.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('widget_sessions')
    .addColumn('id_hash', 'text', (c) => c.notNull().primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text')
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  // Who framed a payment's 3-D Secure page: looked up by the transaction the session is paying.
  await db.schema
    .createIndex('widget_sessions_transaction')
    .on('widget_sessions')
    .column('transaction_id')
    .execute();
  // The worker's cleanup walks expired rows in this order.
  await db.schema.createIndex('widget_sessions_expiry').on('widget_sessions').column('expires_at').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('widget_sessions').execute();
}
