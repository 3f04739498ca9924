import type { Kysely } from 'kysely';

// The sandbox's webhook inbox: what arrived at /kartoteka/inbox/{shopId}, as received (headers, the raw body in
// base64 so every byte survives, whether its X-Imoje-Signature verified). And what a delivery attempt sent and
// got back (URL, signature header, the start of the answer), so a shop's developer can see it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('inbox_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('body_base64', 'text', (c) => c.notNull())
    .addColumn('signature', 'text')
    .addColumn('verified', 'integer', (c) => c.notNull())
    .addColumn('transaction_id', 'text')
    .addColumn('event', 'text')
    .execute();
  await db.schema
    .createIndex('inbox_messages_merchant')
    .on('inbox_messages')
    .columns(['merchant_id', 'received_at', 'id'])
    .execute();
  await db.schema.alterTable('notification_attempts').addColumn('url', 'text').execute();
  await db.schema.alterTable('notification_attempts').addColumn('signature', 'text').execute();
  await db.schema.alterTable('notification_attempts').addColumn('response_excerpt', 'text').execute();
  // The merchant's notification list pages by (created_at, id), newest first.
  await db.schema
    .createIndex('notifications_merchant_created')
    .on('notifications')
    .columns(['merchant_id', 'created_at', 'id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('notifications_merchant_created').execute();
  await db.schema.alterTable('notification_attempts').dropColumn('response_excerpt').execute();
  await db.schema.alterTable('notification_attempts').dropColumn('signature').execute();
  await db.schema.alterTable('notification_attempts').dropColumn('url').execute();
  await db.schema.dropTable('inbox_messages').execute();
}
