/**
 * `npm run test:crash [-- --kills 24] [-- --db sqlite|postgres|all] [-- --clients 6]`: the full crash test.
 * Builds the CLI, then runs tests/crash/harness.ts: the real server under load, killed with SIGKILL at random
 * moments (at least 20 times) and restarted, every request retried with its Idempotency-Key; then the
 * invariants. SQLite always; PostgreSQL too when KARTOTEKA_TEST_PG_URL is set (or --db postgres).
 * Exits 1 if any invariant is broken. The bounded version runs in `npm test` (tests/crash/crash.test.ts).
 */
import { execSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { DB_KINDS, PG_URL, type DbKind } from '../tests/support/databases.js';
import { ROOT } from '../tests/support/process.js';
import { runCrashTest, summarize } from '../tests/crash/harness.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '24' },
    db: { type: 'string' },
    clients: { type: 'string', default: '6' },
  },
});
const kills = Number(values.kills);
const clients = Number(values.clients);
if (!Number.isInteger(kills) || kills < 1 || !Number.isInteger(clients) || clients < 1) {
  process.stderr.write('--kills and --clients take a positive whole number\n');
  process.exit(2);
}
const dbs: DbKind[] =
  values.db === undefined || values.db === 'all'
    ? DB_KINDS
    : values.db === 'postgres'
      ? ['postgres']
      : ['sqlite'];
if (dbs.includes('postgres') && !PG_URL) {
  process.stderr.write('PostgreSQL needs KARTOTEKA_TEST_PG_URL=postgres://user@host:5432/postgres\n');
  process.exit(2);
}
if (!DB_KINDS.includes('postgres'))
  process.stdout.write('(PostgreSQL skipped: KARTOTEKA_TEST_PG_URL is not set)\n');

execSync('npm run build --silent', { cwd: ROOT, stdio: 'inherit' });
let failed = false;
for (const db of dbs) {
  const report = await runCrashTest({
    db,
    kills,
    clients,
    log: (line) => process.stdout.write(line + '\n'),
  });
  process.stdout.write(summarize(report) + '\n\n');
  if (report.violations.length > 0 || report.kills < kills) failed = true;
}
process.exit(failed ? 1 : 0);
