import { Migrator, type Kysely, type MigrationResult } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';
import type { Database } from './schema.js';

export class SchemaTooNewError extends Error {
  constructor(readonly unknown: string[]) {
    super(
      `the database schema is newer than this version of Kartoteka (unknown migrations: ${unknown.join(', ')}); ` +
        'upgrade Kartoteka instead of running an older release against it',
    );
    this.name = 'SchemaTooNewError';
  }
}

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
}

/** Refuses to touch a database that a newer release has migrated further than this code knows. */
export async function assertSchemaNotNewer(db: Kysely<Database>): Promise<void> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration')) return;
  const rows = await db
    .withoutPlugins()
    .selectFrom('kysely_migration' as never)
    .select('name' as never)
    .execute();
  const known = new Set(Object.keys(MIGRATIONS));
  const unknown = (rows as Array<{ name: string }>).map((r) => r.name).filter((n) => !known.has(n));
  if (unknown.length > 0) throw new SchemaTooNewError(unknown);
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResult[]> {
  await assertSchemaNotNewer(db);
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return results ?? [];
}

export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
