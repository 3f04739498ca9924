import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import {
  FUZZ_RUNS,
  FUZZ_SECONDS,
  fuzzEnv,
  fuzzTarget,
  prototypeProblem,
  stillServing,
  type FuzzOutcome,
} from './runner.js';
import {
  ADMIN_TOKEN,
  anythingTarget,
  apiTargets,
  buildFixture,
  rootTargets,
  type Fixture,
  type Target,
} from './targets.js';

/**
 * Property-based fuzzing of every endpoint against a real server (docs/reliability.md): whatever arrives,
 * the answer is a success or a 4xx with the error envelope, in time, and the server keeps serving.
 */
const GROUPS: Array<[string, (fx: Fixture) => Target[]]> = [
  ['the merchant API (every endpoint, mutated valid bodies)', apiTargets],
  ['the root routes (3-D Secure, widget, demo, docs, health, admin)', rootTargets],
  ['any method, path, headers and body', (fx) => [anythingTarget(fx)]],
];
/** Endpoint properties per database, to split FUZZ_SECONDS between them. */
const TARGETS_PER_DB = 39;

for (const db of DB_KINDS) {
  describe(`fuzzing (${db}, ${FUZZ_RUNS} runs per endpoint)`, () => {
    let gw: TestGateway;
    let fx: Fixture;
    const outcomes: FuzzOutcome[] = [];
    beforeAll(async () => {
      gw = await startGateway({
        db,
        env: fuzzEnv(ADMIN_TOKEN),
        shop: { notificationUrl: 'http://127.0.0.1:9/notifications' },
      });
      fx = await buildFixture(gw);
    });
    afterAll(async () => {
      if ((FUZZ_SECONDS > 0 || process.env.KARTOTEKA_FUZZ_REPORT) && outcomes.length > 0) {
        console.log(
          `fuzz (${db}): ${outcomes.reduce((n, o) => n + o.runs, 0)} requests\n` +
            outcomes
              .map(
                (o) =>
                  `  ${o.name}: ${o.runs} runs in ${o.ms} ms (seed ${o.seed}) ${JSON.stringify(o.statuses)}`,
              )
              .join('\n'),
        );
      }
      await gw?.close();
    });

    const perTargetMs =
      FUZZ_SECONDS > 0 ? (FUZZ_SECONDS * 1000) / (TARGETS_PER_DB * DB_KINDS.length) : undefined;
    // Without a time bound (a replay with KARTOTEKA_FUZZ_SECONDS=0) a group runs every one of its runs.
    const groupTimeout = FUZZ_SECONDS > 0 ? FUZZ_SECONDS * 1000 + 120_000 : Math.max(60_000, FUZZ_RUNS * 200);

    for (const [name, targets] of GROUPS) {
      it(
        name,
        async () => {
          for (const target of targets(fx)) outcomes.push(await fuzzTarget(fx, target, perTargetMs));
        },
        groupTimeout,
      );
    }

    it('the server is still up, correct, and no prototype was polluted', async () => {
      await stillServing(fx);
      expect(prototypeProblem()).toBeNull();
    });
  });
}
