/**
 * Preloaded into the gateway (and the floor) by bench/run.ts with `node --import`: counts what each database
 * driver is asked to execute, so the bench can report statements (SQLite) and round trips (PostgreSQL) per
 * request of a measured run. Nothing in src/ knows about it; it wraps the drivers' own entry points in this
 * process only:
 *
 * - pg: `Client.prototype.query`, which every pool query and every Kysely statement (BEGIN and COMMIT included)
 *   goes through; each call is one round trip to the server (the extended protocol ends each with a Sync).
 * - better-sqlite3: `Statement.prototype.run/get/all/iterate` and `Database.prototype.exec`; every Kysely
 *   statement, `BEGIN`/`COMMIT`/savepoint and `PRAGMA` goes through one of them.
 *
 * On SIGUSR2 the counts so far are written as JSON to $BENCH_STATEMENT_COUNTS_FILE, with a sequence number so
 * that the bench can tell a fresh answer from the previous one.
 */
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const counts = { seq: 0, pg: 0, sqlite: 0 };
// For an in-process reader (bench/debit-cost.ts run with this preloaded).
globalThis.kartotekaBenchStatementCounts = counts;

function wrap(proto, method, key) {
  const original = proto[method];
  if (typeof original !== 'function') return;
  proto[method] = function counted(...args) {
    counts[key]++;
    return original.apply(this, args);
  };
}

try {
  const pg = require('pg');
  wrap(pg.Client.prototype, 'query', 'pg');
} catch {
  // pg not installed: nothing to count
}
try {
  const SQLite = require('better-sqlite3');
  const probe = new SQLite(':memory:');
  const statement = Object.getPrototypeOf(probe.prepare('select 1'));
  for (const method of ['run', 'get', 'all', 'iterate']) wrap(statement, method, 'sqlite');
  wrap(SQLite.prototype, 'exec', 'sqlite');
  probe.close();
} catch {
  // better-sqlite3 not installed: nothing to count
}

const file = process.env.BENCH_STATEMENT_COUNTS_FILE;
if (file) {
  process.on('SIGUSR2', () => {
    counts.seq++;
    writeFileSync(file, JSON.stringify(counts));
  });
}
