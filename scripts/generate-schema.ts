import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { dumpSchema } from '../src/storage/schema-dump.js';
import { openStorage } from '../src/storage/open.js';

/** Writes docs/schema/sqlite.sql and (with KARTOTEKA_TEST_PG_URL) docs/schema/postgres.sql from fresh databases. */
const dir = mkdtempSync(join(tmpdir(), 'kartoteka-schema-'));
const sqlite = await openStorage({ kind: 'sqlite', path: join(dir, 'schema.db'), synchronous: 'normal' });
writeFileSync(new URL('../docs/schema/sqlite.sql', import.meta.url), await dumpSchema(sqlite));
await sqlite.close();
rmSync(dir, { recursive: true, force: true });

const pgUrl = process.env.KARTOTEKA_TEST_PG_URL;
if (pgUrl) {
  const name = `kt_schema_${Date.now()}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const storage = await openStorage({
    kind: 'postgres',
    url: url.toString(),
    poolSize: 2,
    statementTimeoutMs: 5000,
  });
  writeFileSync(new URL('../docs/schema/postgres.sql', import.meta.url), await dumpSchema(storage));
  await storage.close();
  await admin.query(`drop database ${name}`);
  await admin.end();
} else {
  process.stdout.write('KARTOTEKA_TEST_PG_URL not set: docs/schema/postgres.sql left as it is\n');
}
process.stdout.write('docs/schema written\n');
