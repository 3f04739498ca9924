import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { runCrashTest, summarize } from './harness.js';

/**
 * The bounded crash test that runs inside `npm test`: a few SIGKILLs on SQLite. `npm run test:crash` runs the
 * full one (scripts/crash-test.ts: at least 20 kills, PostgreSQL too when KARTOTEKA_TEST_PG_URL is set).
 */
beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

describe('crash test (bounded): SIGKILL at random moments under load', () => {
  it(
    'loses nothing acknowledged, charges nothing twice, notifies everything',
    { timeout: 120_000 },
    async () => {
      const report = await runCrashTest({ db: 'sqlite', kills: 5, clients: 6, uptimeMs: [700, 1800] });
      console.log(summarize(report));
      expect(report.violations).toEqual([]);
      expect(report.kills).toBe(5);
      expect(report.retriedRequests).toBeGreaterThan(0);
      expect(report.requests).toBeGreaterThan(20);
    },
  );
});
