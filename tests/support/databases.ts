import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server tests may use; CI always sets it (see .ci/run). */
export const PG_URL = process.env.KARTOTEKA_TEST_PG_URL ?? '';

export type DbKind = 'sqlite' | 'postgres';

/** SQLite always; PostgreSQL too when KARTOTEKA_TEST_PG_URL is set. */
export const DB_KINDS: DbKind[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export const PG_SKIP_REASON =
  'PostgreSQL suites did not run: set KARTOTEKA_TEST_PG_URL=postgres://user@127.0.0.1:5432/postgres to run them (CI does)';

// In CI a missing PostgreSQL is a failure, never a silent skip; elsewhere each test file says why it skipped.
if (!PG_URL && process.env.CI) throw new Error(`CI must test PostgreSQL too: ${PG_SKIP_REASON}`);
if (!PG_URL) console.warn(PG_SKIP_REASON);

/** A fresh, empty database on the test server; `drop()` removes it. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `kt_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
