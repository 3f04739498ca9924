import type { Kysely } from 'kysely';

/**
 * Payment links (imoje `POST /payment`). Whether a link was paid is not stored here: it is the state of its
 * order in `widget_orders`, claimed in the transaction that stores the payment, so it pays at most once.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payment_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('customer_first_name', 'text', (c) => c.notNull())
    .addColumn('customer_last_name', 'text', (c) => c.notNull())
    .addColumn('customer_email', 'text', (c) => c.notNull())
    .addColumn('customer_phone', 'text')
    .addColumn('customer_cid', 'text')
    .addColumn('visible_method', 'text', (c) => c.notNull())
    .addColumn('preselect_method_code', 'text')
    .addColumn('return_url', 'text')
    .addColumn('success_return_url', 'text')
    .addColumn('failure_return_url', 'text')
    .addColumn('notification_url', 'text')
    .addColumn('valid_to', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('payment_links_merchant')
    .on('payment_links')
    .columns(['merchant_id', 'id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('payment_links').execute();
}
