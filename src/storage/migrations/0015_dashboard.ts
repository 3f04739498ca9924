import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * What the dashboard and the list API read (issue 18):
 * - `transactions.cid`: the payer's cid, copied from `customer` at insert, so "this customer's transactions" is an
 *   index lookup instead of a scan of JSON text; filled in here for the rows already stored.
 * - indexes for the list's order (created desc, id) and its selective filters (status, orderId, cid).
 * - `transaction_events`: the timeline's steps that leave no other trace (3-D Secure started and answered, each
 *   status change with the acquirer's code), written in the database transaction that makes the change.
 * - `request_log`: the merchant's last API requests, masked, bounded per merchant.
 * - `dashboard_sessions`: a signed-in browser (only the hash of its cookie is stored) and its CSRF token.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('transactions').addColumn('cid', 'text').execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`update transactions set cid = (customer::json ->> 'cid') where customer is not null`.execute(
      db,
    );
  } else {
    await sql`update transactions set cid = json_extract(customer, '$.cid') where customer is not null`.execute(
      db,
    );
  }
  await db.schema
    .createIndex('transactions_merchant_created')
    .on('transactions')
    .columns(['merchant_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('transactions_merchant_status')
    .on('transactions')
    .columns(['merchant_id', 'status', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('transactions_merchant_order')
    .on('transactions')
    .columns(['merchant_id', 'order_id'])
    .execute();
  await db.schema
    .createIndex('transactions_merchant_cid')
    .on('transactions')
    .columns(['merchant_id', 'cid', 'created_at'])
    .execute();

  await db.schema
    .createTable('transaction_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('code', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema
    .createIndex('transaction_events_transaction')
    .on('transaction_events')
    .columns(['transaction_id', 'at'])
    .execute();

  await db.schema
    .createTable('request_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('request_body', 'text')
    .addColumn('response_body', 'text')
    .execute();
  await db.schema
    .createIndex('request_log_merchant')
    .on('request_log')
    .columns(['merchant_id', 'at', 'id'])
    .execute();

  await db.schema
    .createTable('dashboard_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text')
    .addColumn('operator', 'integer', (c) => c.notNull())
    .addColumn('token_hash', 'text')
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('dashboard_sessions_expiry')
    .on('dashboard_sessions')
    .column('expires_at')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dashboard_sessions').execute();
  await db.schema.dropTable('request_log').execute();
  await db.schema.dropTable('transaction_events').execute();
  for (const index of ['cid', 'order', 'status', 'created']) {
    await db.schema.dropIndex(`transactions_merchant_${index}`).execute();
  }
  await db.schema.alterTable('transactions').dropColumn('cid').execute();
}
