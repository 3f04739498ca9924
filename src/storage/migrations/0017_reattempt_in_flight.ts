import type { Kysely } from 'kysely';

// A card's reattempt in flight: the pending transaction of the one merchant-initiated reattempt of the card the
// acquirer may be deciding now. A second reattempt is refused while it is set (docs/recurring.md): without it
// two reattempts sent at the same instant both passed the schemes' limits, and an issuer saw a declined card
// retried twice at once. Set by the statement that stores the reattempt's pending row, cleared by its
// finalisation.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('card_retry_states').addColumn('reattempt_in_flight', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('card_retry_states').dropColumn('reattempt_in_flight').execute();
}
