/**
 * `npm run bench [-- --quick] [-- --pg <url>]`: the gateway's throughput, latency and growth, each measured
 * against the floor (bench/floor-server.ts) in the same run. See docs/performance.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Accounts, bootstrapSandbox } from '../src/admin/accounts.js';
import { loadConfig, type Config } from '../src/config/config.js';
import { systemClock } from '../src/domain/clock.js';
import { openStorage } from '../src/storage/open.js';
import { drive, type Measurement } from './load.js';
import { parseOptions, type BenchOptions, type ConfigName } from './options.js';
import { createTemporaryDatabase, postgresSettings } from './pg-database.js';
import { machine, markdown, targetTable, type BenchReport, type ConfigResult } from './report.js';
import { requestsFor, type ScenarioName, type Target } from './scenarios.js';
import { seedProfiles } from './seed-profiles.js';
import { runCycles } from './cycles.js';
import { startServer, type ServerProcess } from './server-process.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'bench', 'results');

const DURABILITY: Record<ConfigName, string> = {
  'sqlite-full':
    'SQLite WAL, synchronous=FULL (the default): every commit is fsynced before the 200 — survives a process crash and a power loss.',
  'sqlite-normal':
    'SQLite WAL, synchronous=NORMAL: commits reach the OS before the 200, the WAL is fsynced at checkpoints — survives a process crash; a power loss may drop the last commits.',
  pg: 'PostgreSQL, synchronous_commit as configured on the server (see settings): on = the WAL is flushed before COMMIT returns.',
};

function log(line: string): void {
  process.stdout.write(line + '\n');
}

function gatewayEnv(
  dataDir: string,
  name: ConfigName,
  pgUrl: string | null,
  logLevel: string,
): Record<string, string> {
  return {
    KARTOTEKA_CONFIG: '',
    KARTOTEKA_MODE: 'sandbox',
    KARTOTEKA_DATA_DIR: dataDir,
    KARTOTEKA_DATABASE_URL: name === 'pg' && pgUrl ? pgUrl : '',
    KARTOTEKA_SQLITE_SYNCHRONOUS: name === 'sqlite-normal' ? 'normal' : 'full',
    KARTOTEKA_LOG_LEVEL: logLevel,
    KARTOTEKA_LOG_FILE: '',
    KARTOTEKA_BOOTSTRAP: 'off',
    // One token drives all the load: the per-token rate limit would measure itself, not the endpoints.
    KARTOTEKA_RATE_LIMIT_PER_TOKEN: '0',
  };
}

/** Migrates the fresh database and creates the sandbox merchant, shop and token, in this process. */
async function prepare(config: Config): Promise<Omit<Target, 'profiles'>> {
  const storage = await openStorage(config.database);
  try {
    const created = await bootstrapSandbox(new Accounts(storage, systemClock), storage);
    if (!created) throw new Error('the benchmark database is not fresh');
    return { merchantId: created.merchantId, serviceId: created.serviceId, token: created.token };
  } finally {
    await storage.close();
  }
}

async function measure(
  o: BenchOptions,
  server: ServerProcess,
  name: ScenarioName,
  target: Target,
): Promise<Measurement> {
  if (o.warmupS > 0) {
    await drive({
      url: server.url,
      connections: o.connections,
      durationS: o.warmupS,
      requests: requestsFor(name, target),
      server,
    });
  }
  const before = await server.statements();
  const m = await drive({
    url: server.url,
    connections: o.connections,
    durationS: o.durationS,
    requests: requestsFor(name, target),
    server,
    databaseProgram: target.databaseProgram,
  });
  const after = await server.statements();
  const calls = after.pg - before.pg + (after.sqlite - before.sqlite);
  if (m.requests > 0) m.statementsPerRequest = calls / m.requests;
  log(
    `  ${name.padEnd(9)} ${m.rps.toFixed(0).padStart(6)} req/s  p50 ${m.latencyMs.p50.toFixed(1)}  p95 ${m.latencyMs.p95.toFixed(1)}  ` +
      `p99 ${m.latencyMs.p99.toFixed(1)}  max ${m.latencyMs.max.toFixed(0)} ms  errors ${m.errors}  non-2xx ${m.non2xx}  ` +
      `${m.statementsPerRequest?.toFixed(2) ?? '?'} db calls/req  CPU ${m.serverCpuMsPerRequest.toFixed(3)} ms/req` +
      (m.databaseCpuMsPerRequest === undefined
        ? ''
        : ` + PostgreSQL ${m.databaseCpuMsPerRequest.toFixed(3)}`),
  );
  if (m.firstFailure) log(`    first failure: ${m.firstFailure.slice(0, 200)}`);
  return m;
}

/**
 * `--instances n`: n gateways on the same database, started one after another, loaded at once (the
 * connections split between them, each on its own lane of orderIds and profiles), each after a warm-up.
 */
async function measureInstances(
  o: BenchOptions,
  start: () => Promise<ServerProcess>,
  target: Target,
): Promise<{ each: Measurement[]; connectionsEach: number; peakRss: number }> {
  const servers: ServerProcess[] = [];
  const connectionsEach = Math.max(1, Math.round(o.connections / o.instances));
  try {
    for (let i = 0; i < o.instances; i++) servers.push(await start());
    const lanes = (lane: number) => ({ ...target, lane, lanes: o.instances });
    const load = (durationS: number) =>
      Promise.all(
        servers.map((server, i) =>
          drive({
            url: server.url,
            connections: connectionsEach,
            durationS,
            requests: requestsFor('debit', lanes(i)),
            server,
            databaseProgram: target.databaseProgram,
          }),
        ),
      );
    if (o.warmupS > 0) await load(o.warmupS);
    const before = await Promise.all(servers.map((server) => server.statements()));
    const each = await load(o.durationS);
    const after = await Promise.all(servers.map((server) => server.statements()));
    each.forEach((m, i) => {
      const calls = after[i]!.pg - before[i]!.pg + (after[i]!.sqlite - before[i]!.sqlite);
      if (m.requests > 0) m.statementsPerRequest = calls / m.requests;
    });
    each.forEach((m, i) =>
      log(
        `  debit on instance ${i + 1}/${o.instances}  ${m.rps.toFixed(0).padStart(6)} req/s  ` +
          `p50 ${m.latencyMs.p50.toFixed(1)}  p99 ${m.latencyMs.p99.toFixed(1)} ms  errors ${m.errors}  non-2xx ${m.non2xx}`,
      ),
    );
    return { each, connectionsEach, peakRss: Math.max(...servers.map((s) => s.peakRss())) };
  } finally {
    for (const server of servers) await server.stop();
  }
}

async function runConfig(o: BenchOptions, name: ConfigName, workDir: string): Promise<ConfigResult> {
  log(`\n== ${name}`);
  const dataDir = join(workDir, name);
  mkdirSync(dataDir, { recursive: true });
  const pg = name === 'pg' && o.pgUrl ? await createTemporaryDatabase(o.pgUrl, 'run') : null;
  try {
    const env = gatewayEnv(dataDir, name, pg?.url ?? null, o.logLevel);
    const config = loadConfig(env);
    const result: ConfigResult = {
      name,
      database:
        config.database.kind === 'sqlite'
          ? `SQLite ${config.database.path}`
          : 'PostgreSQL (temporary database)',
      durability: DURABILITY[name],
      scenarios: {},
      vsFloor: {},
      gatewayPeakRssBytes: 0,
    };
    if (pg) result.postgres = await postgresSettings(pg.url);

    const ids = await prepare(config);
    // PostgreSQL on this machine (a loopback URL): its processes' CPU time is read beside the gateway's.
    const local = pg !== null && /^(127\.|localhost$|\[?::1\]?$)/.test(new URL(pg.url).hostname);
    const target: Target = {
      ...ids,
      profiles: o.smallProfiles,
      databaseProgram: local ? 'postgres' : undefined,
    };
    const seedTarget = { database: config.database, masterKeyFile: config.masterKeyFile, ...ids };
    await seedProfiles(seedTarget, 0, o.smallProfiles);

    const serverLog = join(dataDir, 'server.log');
    const start = async (entry: string, args: string[] = [], profile = false) =>
      startServer({
        entry,
        args,
        env,
        cwd: root,
        logFile: serverLog,
        nodeFlags: profile ? ['--cpu-prof', '--cpu-prof-dir', join(resultsDir, 'profiles')] : [],
      });

    if (o.scenarios.includes('floor')) {
      const floor = await start('bench/floor-server.ts');
      try {
        result.scenarios.floor = await measure(o, floor, 'floor', target);
      } finally {
        await floor.stop();
      }
    }

    const gatewayScenarios = o.scenarios.filter((s) => s !== 'floor');
    if (gatewayScenarios.length > 0) {
      const gateway = await start('bin/kartoteka.js', ['serve'], o.cpuProf);
      try {
        for (const scenario of gatewayScenarios) {
          result.scenarios[scenario] = await measure(o, gateway, scenario, target);
        }
      } finally {
        result.gatewayPeakRssBytes = Math.max(result.gatewayPeakRssBytes, gateway.peakRss());
        await gateway.stop();
      }
    }

    const floorRps = result.scenarios.floor?.rps;
    for (const scenario of gatewayScenarios) {
      const m = result.scenarios[scenario];
      if (m && floorRps) result.vsFloor[scenario] = m.rps / floorRps;
    }

    if (o.cycles > 0) {
      const instances = name === 'pg' ? [1, 2] : [1];
      result.cycles = [];
      for (const n of instances) {
        result.cycles.push(
          await runCycles({
            config,
            target,
            schedules: o.cycles,
            instances: n,
            debitRps: result.scenarios.debit?.rps,
            start: () => start('bin/kartoteka.js', ['serve']),
            log,
          }),
        );
      }
    }

    if (name === 'pg' && o.instances > 1) {
      const runs = await measureInstances(o, () => start('bin/kartoteka.js', ['serve']), target);
      const totalRps = runs.each.reduce((sum, m) => sum + m.rps, 0);
      result.instances = {
        count: o.instances,
        connectionsEach: runs.connectionsEach,
        each: runs.each,
        totalRps,
        vsFloor: floorRps ? totalRps / floorRps : null,
        vsSingle: result.scenarios.debit ? totalRps / result.scenarios.debit.rps : null,
      };
      result.gatewayPeakRssBytes = Math.max(result.gatewayPeakRssBytes, runs.peakRss);
      log(`  debit on ${o.instances} instances together: ${totalRps.toFixed(0)} req/s`);
    }

    let small = result.scenarios.debit;
    if (small && o.growthOn.includes(name) && o.largeProfiles > o.smallProfiles) {
      if (result.cycles?.length || result.instances) {
        // The cycles and instances runs wrote to the database since the debit scenario (the cycles run alone
        // 100 000 payments): growth compares debits at both sizes on the database as it is now, so that only
        // the number of profiles differs.
        const gateway = await start('bin/kartoteka.js', ['serve']);
        try {
          log('  debit at the small size again, on the database as the runs above left it');
          small = await measure(o, gateway, 'debit', target);
        } finally {
          result.gatewayPeakRssBytes = Math.max(result.gatewayPeakRssBytes, gateway.peakRss());
          await gateway.stop();
        }
      }
      const seedSeconds = await seedProfiles(seedTarget, o.smallProfiles, o.largeProfiles);
      const gateway = await start('bin/kartoteka.js', ['serve'], o.cpuProf);
      try {
        const large = await measure(o, gateway, 'debit', { ...target, profiles: o.largeProfiles });
        result.growth = {
          smallProfiles: o.smallProfiles,
          largeProfiles: o.largeProfiles,
          seedSeconds,
          small,
          large,
          p99Ratio: large.latencyMs.p99 / small.latencyMs.p99,
        };
      } finally {
        result.gatewayPeakRssBytes = Math.max(result.gatewayPeakRssBytes, gateway.peakRss());
        await gateway.stop();
      }
    }
    return result;
  } finally {
    await pg?.drop();
  }
}

/**
 * The gateway runs as `npm start` runs it, from the compiled dist/, so that its RSS is not inflated by the
 * TypeScript loader's extra thread (the floor, a single file, does run through tsx).
 */
function build(): void {
  log('building dist/ (tsc -p tsconfig.build.json)');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2), process.env);
  if (o.build) build();
  const workDir = mkdtempSync(join(tmpdir(), 'kartoteka-bench-'));
  mkdirSync(resultsDir, { recursive: true });
  log(`kartoteka bench: ${o.configs.join(', ')}; data in ${workDir}`);
  const configs: ConfigResult[] = [];
  try {
    for (const name of o.configs) configs.push(await runConfig(o, name, workDir));
  } finally {
    if (o.keep) log(`data kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: machine(),
    options: { ...o, pgUrl: o.pgUrl ? '(given)' : null },
    configs,
    targets: targetTable(configs, o.connections),
  };
  const text = markdown(report);
  const stamp = report.date.replace(/[:.]/g, '-');
  const jsonFile = join(resultsDir, `${stamp}${o.quick ? '-quick' : ''}.json`);
  writeFileSync(jsonFile, JSON.stringify(report, null, 2) + '\n');
  const latest = o.quick ? 'latest-quick.md' : o.partial ? 'latest-partial.md' : 'latest.md';
  writeFileSync(join(resultsDir, latest), text);
  log('\n' + text);
  log(`results: ${jsonFile}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
