import type { Kysely } from 'kysely';

// The origins whose pages may open and frame a shop's widget (space-separated, each a bare scheme://host[:port]);
// null: any, as before. Without it a widget session's framer was whatever origin its opener declared, so a
// signed session could be framed on any site (docs/widget.md).
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('shops').addColumn('widget_origins', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('shops').dropColumn('widget_origins').execute();
}
