import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { saleBody } from '../support/payloads.js';
import { type Fixture, resolveSession, type Target } from './targets.js';
import { answerProblem, describeRequest, digitsJoined, envelopeProblem, send } from './wire.js';

/**
 * Runs per endpoint. `npm test` uses the small default; `npm run test:fuzz` sets KARTOTEKA_FUZZ_RUNS high and
 * bounds each endpoint by time instead (KARTOTEKA_FUZZ_SECONDS for the whole run).
 */
export const FUZZ_RUNS = Math.max(1, Number(process.env.KARTOTEKA_FUZZ_RUNS || 20));
export const FUZZ_SECONDS = Number(process.env.KARTOTEKA_FUZZ_SECONDS || 0);
/**
 * Replays a failure: the seed fast-check printed (with KARTOTEKA_FUZZ_SECONDS=0, so that a time-bounded run does
 * not stop before the failing run), and optionally its `path` to go straight to the shrunk counterexample.
 */
export const FUZZ_SEED = process.env.KARTOTEKA_FUZZ_SEED
  ? Number(process.env.KARTOTEKA_FUZZ_SEED)
  : undefined;
export const FUZZ_PATH = process.env.KARTOTEKA_FUZZ_PATH || undefined;

/** The gateway as the fuzzer runs it: no rate limits in the way, a short request timeout, an admin token. */
export function fuzzEnv(adminToken: string): Record<string, string> {
  return {
    KARTOTEKA_RATE_LIMIT_PER_TOKEN: '0',
    KARTOTEKA_AUTH_FAILURE_LIMIT: '1000000',
    KARTOTEKA_REQUEST_TIMEOUT_MS: '5000',
    KARTOTEKA_ADMIN_TOKEN: adminToken,
    KARTOTEKA_LOG_LEVEL: 'warn',
  };
}

const PROTOTYPES: Array<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];
const BASELINE = new Map(
  PROTOTYPES.map(([name, p]) => [name, Reflect.ownKeys(p).map(String).sort().join(',')]),
);

/** The gateway runs in this process: any pollution of a built-in prototype is visible here. */
export function prototypeProblem(): string | null {
  for (const [name, p] of PROTOTYPES) {
    const now = Reflect.ownKeys(p).map(String).sort().join(',');
    if (now !== BASELINE.get(name)) return `${name} was polluted: ${now}`;
  }
  const probe = {} as Record<string, unknown>;
  for (const key of ['polluted', 'isAdmin'])
    if (probe[key] !== undefined) return `({}).${key} is ${String(probe[key])}`;
  return null;
}

/** Log lines at level error or fatal (pino levels 50, 60) since `from`. */
function errorLogs(fx: Fixture, from: number): string[] {
  return fx.gw.logs.slice(from).filter((l) => /"level":(50|60)/.test(l));
}

/**
 * After each endpoint's batch: the server is up and still answers correctly — ready, a valid payment succeeds,
 * a known transaction reads back, an unknown one is a 404 envelope, and no built-in prototype changed.
 */
export async function stillServing(fx: Fixture): Promise<void> {
  const ready = await fx.gw.http.get<{ status?: string }>('/health/ready');
  if (ready.status !== 200 || ready.body.status !== 'ok')
    throw new Error(`/health/ready: ${ready.status} ${ready.text}`);
  const sale = await fx.a.api.post<{ transaction?: { status?: string } }>(
    '/transaction',
    saleBody(fx.a.serviceId),
  );
  if (sale.status !== 200 || sale.body.transaction?.status !== 'settled')
    throw new Error(`a valid sale after fuzzing: ${sale.status} ${sale.text}`);
  const read = await fx.a.api.get<{ transaction?: { id?: string } }>(`/transaction/${fx.settledSale}`);
  if (read.status !== 200 || read.body.transaction?.id !== fx.settledSale)
    throw new Error(`reading a transaction after fuzzing: ${read.status} ${read.text}`);
  const unknown = await fx.a.api.get(`/transaction/${randomUUID()}`);
  const problem = unknown.status === 404 ? envelopeProblem(404, unknown.text) : `status ${unknown.status}`;
  if (problem) throw new Error(`an unknown transaction after fuzzing: ${problem}`);
  const polluted = prototypeProblem();
  if (polluted) throw new Error(polluted);
}

export interface FuzzOutcome {
  name: string;
  runs: number;
  ms: number;
  seed: number;
  /** How many answers had each status: shows whether the fuzzer got past validation. */
  statuses: Record<number, number>;
}

/** One endpoint's property: every generated request gets a well-formed answer in time. */
export async function fuzzTarget(fx: Fixture, target: Target, timeLimitMs?: number): Promise<FuzzOutcome> {
  const seed = FUZZ_SEED ?? (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
  const logsBefore = fx.gw.logs.length;
  const sentPans = new Set<string>();
  let runs = 0;
  const statuses: Record<number, number> = {};
  const started = Date.now();
  try {
    await fc.assert(
      fc.asyncProperty(target.arb, async (generated) => {
        runs++;
        const req = await resolveSession(generated, fx);
        for (const pan of req.pans) sentPans.add(pan);
        let res;
        try {
          res = await send(fx.gw.url, req);
        } catch (err) {
          throw new Error(`${(err as Error).message} (no answer)\n${describeRequest(req)}`);
        }
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const problem = answerProblem(req, res) ?? prototypeProblem();
        if (problem) throw new Error(`${problem}\n${describeRequest(req)}`);
      }),
      {
        numRuns: FUZZ_RUNS,
        seed,
        ...(FUZZ_PATH ? { path: FUZZ_PATH } : {}),
        ...(timeLimitMs ? { interruptAfterTimeLimit: timeLimitMs, markInterruptAsFailure: false } : {}),
      },
    );
  } catch (err) {
    throw new Error(
      `fuzz target "${target.name}" failed (replay with KARTOTEKA_FUZZ_SEED=${seed}):\n${(err as Error).message}\n` +
        `cause: ${String(((err as Error).cause as Error | undefined)?.message ?? '')}`,
    );
  }
  // No log line may hold a card number that was sent, whatever the level or field (the fuzzer logs at warn).
  const leaked = fx.gw.logs
    .slice(logsBefore)
    .map(digitsJoined)
    .find((line) => [...sentPans].some((pan) => line.includes(pan)));
  if (leaked)
    throw new Error(
      `fuzz target "${target.name}" logged a card number it was sent (seed ${seed}):\n${leaked}`,
    );
  const logged = errorLogs(fx, logsBefore);
  if (logged.length > 0)
    throw new Error(
      `fuzz target "${target.name}" made the server log errors (seed ${seed}):\n${logged.slice(0, 3).join('\n')}`,
    );
  await stillServing(fx);
  return { name: target.name, runs, ms: Date.now() - started, seed, statuses };
}
