import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createGateway } from '../../src/gateway.js';
import { SchemaTooNewError } from '../../src/storage/migrate.js';
import { openStorage } from '../../src/storage/open.js';
import { dumpSchema } from '../../src/storage/schema-dump.js';
import type { Storage } from '../../src/storage/storage.js';
import { DB_KINDS, freshPostgresDatabase, type DbKind } from '../support/databases.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function fresh(kind: DbKind): Promise<{ storage: Storage; env: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'kartoteka-schema-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  if (kind === 'sqlite') {
    const storage = await openStorage({
      kind: 'sqlite',
      path: join(dir, 'kartoteka.db'),
      synchronous: 'normal',
    });
    return { storage, env: { KARTOTEKA_DATA_DIR: dir } };
  }
  const db = await freshPostgresDatabase();
  cleanups.push(db.drop);
  const storage = await openStorage({ kind: 'postgres', url: db.url, poolSize: 2, statementTimeoutMs: 5000 });
  return { storage, env: { KARTOTEKA_DATA_DIR: dir, KARTOTEKA_DATABASE_URL: db.url } };
}

for (const kind of DB_KINDS) {
  describe(`schema and migrations (${kind})`, () => {
    it(`the migrated schema matches the committed docs/schema/${kind}.sql (run \`npm run docs:schema\`)`, async () => {
      const { storage } = await fresh(kind);
      const committed = readFileSync(new URL(`../../docs/schema/${kind}.sql`, import.meta.url), 'utf8');
      expect(await dumpSchema(storage)).toBe(committed);
      await storage.close();
    });

    it('start-up refuses a schema newer than the code', async () => {
      const { storage, env } = await fresh(kind);
      await sql`insert into kysely_migration (name, timestamp) values ('9999_from_the_future', '2099-01-01T00:00:00.000Z')`.execute(
        storage.db,
      );
      await storage.close();
      const config = loadConfig({}, { ...env, KARTOTEKA_LOG_LEVEL: 'silent', KARTOTEKA_BOOTSTRAP: 'off' });
      await expect(createGateway(config, { quiet: true })).rejects.toThrow(SchemaTooNewError);
      await expect(createGateway(config, { quiet: true })).rejects.toThrow(/9999_from_the_future/);
    });

    it('migrating twice is a no-op', async () => {
      const { storage } = await fresh(kind);
      const { migrateToLatest } = await import('../../src/storage/migrate.js');
      expect(await migrateToLatest(storage.db)).toEqual([]);
      await storage.close();
    });
  });
}
