import type { Kysely } from 'kysely';

/**
 * The amount a pre-authorisation held, written when a capture of it is claimed; from then on `amount` is the
 * amount being (and then) captured, which is what the sale shows once settled and what refunds count against.
 * Kept so that a capture that never happened can give the hold back its amount, also after a crash. NULL for
 * every other transaction.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('transactions').addColumn('authorized_amount', 'bigint').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('transactions').dropColumn('authorized_amount').execute();
}
