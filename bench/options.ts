import { parseArgs } from 'node:util';
import type { ScenarioName } from './scenarios.js';

export type ConfigName = 'sqlite-full' | 'sqlite-normal' | 'pg';

export interface BenchOptions {
  quick: boolean;
  pgUrl: string | null;
  configs: ConfigName[];
  scenarios: ScenarioName[];
  connections: number;
  durationS: number;
  warmupS: number;
  /** Profiles seeded before the scenarios run, and the count the growth run brings the table up to. */
  smallProfiles: number;
  largeProfiles: number;
  /** Configurations the growth run (small → large) is measured on. */
  growthOn: ConfigName[];
  logLevel: string;
  cpuProf: boolean;
  keep: boolean;
  /** Gateway processes on one PostgreSQL database for the extra debit run (1: none). */
  instances: number;
  build: boolean;
  /** Schedules due at one instant for the `cycles` run (0 skips it). */
  cycles: number;
  /**
   * A full-length run that leaves something out or resizes it (`--configs`, `--scenarios`, sizes, durations):
   * its report goes to `latest-partial.md`, so it never stands in for the committed full run's `latest.md`.
   */
  partial: boolean;
}

const USAGE = `usage: npm run bench -- [options]
  --quick               ~1 minute: short runs, growth 10k → 100k profiles
  --pg <url>            also benchmark PostgreSQL (or set KARTOTEKA_BENCH_PG_URL); a fresh database is
                        created on that server for the run and dropped afterwards
  --configs <list>      sqlite-full,sqlite-normal,pg (default: all available)
  --scenarios <list>    floor,debit,register,read,mixed (default: all)
  --connections <n>     concurrent connections (default 10)
  --duration <s>        seconds measured per scenario (default 15, quick 3)
  --warmup <s>          unmeasured seconds before each scenario (default 3, quick 1)
  --small <n>           profiles seeded for the scenarios (default 10000)
  --large <n>           profiles for the growth run (default 1000000, quick 100000; 0 skips growth)
  --growth-on <list>    configurations to run growth on (default sqlite-full,pg)
  --log-level <level>   gateway and floor log level (default info, the gateway's default)
  --instances <n>       also run the debit scenario on n gateway processes sharing the PostgreSQL
                        database (pg only), the connections split between them (default 1: not run)
  --cpu-prof            write V8 CPU profiles of the gateway to bench/results/profiles/
  --keep                keep the data directories (printed) instead of deleting them
  --no-build            use the existing dist/ instead of compiling it first
  --cycles <n>          schedules due at one instant for the cycles run (default 100000, quick 5000; 0 skips)`;

function list<T extends string>(raw: string | undefined, allowed: readonly T[], fallback: T[]): T[] {
  if (!raw) return fallback;
  const items = raw.split(',').map((s) => s.trim()) as T[];
  for (const item of items) {
    if (!allowed.includes(item))
      throw new Error(`unknown "${item}"; expected ${allowed.join(', ')}\n${USAGE}`);
  }
  return items;
}

function count(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      pg: { type: 'string' },
      configs: { type: 'string' },
      scenarios: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      small: { type: 'string' },
      large: { type: 'string' },
      'growth-on': { type: 'string' },
      'log-level': { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      instances: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      cycles: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const pgUrl = values.pg ?? env.KARTOTEKA_BENCH_PG_URL ?? null;
  const available: ConfigName[] = pgUrl
    ? ['sqlite-full', 'sqlite-normal', 'pg']
    : ['sqlite-full', 'sqlite-normal'];
  const configs = list(values.configs, ['sqlite-full', 'sqlite-normal', 'pg'] as const, available);
  if (configs.includes('pg') && !pgUrl)
    throw new Error('the pg configuration needs --pg <url> or KARTOTEKA_BENCH_PG_URL');
  const smallProfiles = Math.floor(count(values.small, 10_000, 'small'));
  if (smallProfiles < 1) throw new Error('--small must be at least 1');
  return {
    quick,
    pgUrl,
    configs,
    scenarios: list(values.scenarios, ['floor', 'debit', 'register', 'read', 'mixed'] as const, [
      'floor',
      'debit',
      'register',
      'read',
      'mixed',
    ]),
    connections: Math.max(1, Math.floor(count(values.connections, 10, 'connections'))),
    durationS: Math.max(1, count(values.duration, quick ? 3 : 15, 'duration')),
    warmupS: count(values.warmup, quick ? 1 : 3, 'warmup'),
    smallProfiles,
    largeProfiles: Math.floor(count(values.large, quick ? 100_000 : 1_000_000, 'large')),
    growthOn: list(values['growth-on'], ['sqlite-full', 'sqlite-normal', 'pg'] as const, [
      'sqlite-full',
      'pg',
    ]),
    logLevel: values['log-level'] ?? 'info',
    cpuProf: values['cpu-prof'] ?? false,
    instances: Math.max(1, Math.floor(count(values.instances, 1, 'instances'))),
    keep: values.keep ?? false,
    build: !(values['no-build'] ?? false),
    cycles: Math.floor(count(values.cycles, quick ? 5_000 : 100_000, 'cycles')),
    partial:
      configs.length < available.length ||
      ['scenarios', 'small', 'large', 'growth-on', 'cycles', 'duration', 'warmup', 'connections'].some(
        (name) => values[name as keyof typeof values] !== undefined,
      ),
  };
}
