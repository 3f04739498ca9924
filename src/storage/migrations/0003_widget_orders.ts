import type { Kysely } from 'kysely';

/**
 * One row per signed widget order (service, orderId, amount, currency): which payment holds it and whether it
 * was paid. Claimed with one conditional statement, so one order pays at most once across instances.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('widget_orders')
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('widget_orders_pk', ['service_id', 'order_id', 'amount', 'currency'])
    .execute();
  await db.schema
    .createIndex('widget_orders_transaction')
    .on('widget_orders')
    .column('transaction_id')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('widget_orders').execute();
}
