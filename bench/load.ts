import autocannon from 'autocannon';
import { cpuBetween, processCpuMs, programCpuMs } from './cpu.js';
import type { ServerProcess } from './server-process.js';

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  requests: autocannon.Request[];
  server: ServerProcess;
  /** Also measure the CPU time of this machine's PostgreSQL server processes (when it is the database). */
  databaseProgram?: 'postgres' | undefined;
}

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface Measurement {
  requests: number;
  durationS: number;
  rps: number;
  /** Milliseconds, over every response (2xx or not), computed from each response's own time. */
  latencyMs: Latency;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  statuses: Record<string, number>;
  /** The first non-2xx body, so a failing scenario says why. */
  firstFailure: string | null;
  /** Largest VmRSS seen while the load ran. */
  peakRssBytes: number;
  /**
   * Database driver calls during the measured run ÷ responses (bench/count-statements.mjs): round trips on
   * PostgreSQL, statement executions on SQLite. Background work (the worker) running meanwhile is included.
   */
  statementsPerRequest?: number;
  /** The server process's CPU time (user + system, all its threads) during the run ÷ responses. */
  serverCpuMsPerRequest: number;
  /**
   * The PostgreSQL server's CPU time (all its processes, on this machine) during the run ÷ responses; with
   * several gateways loaded at once, each one's figure is the database's total over its own responses.
   */
  databaseCpuMsPerRequest?: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

/** One autocannon run against the server, with latencies and the server's RSS sampled along the way. */
export async function drive(options: LoadOptions): Promise<Measurement> {
  let times = new Float64Array(1 << 16);
  let count = 0;
  let firstFailure: string | null = null;
  const requests = options.requests.map((r) => ({
    ...r,
    onResponse: (status: number, body: string) => {
      if (status >= 300 && firstFailure === null) firstFailure = `${status} ${body.slice(0, 500)}`;
    },
  }));
  let peakRss = options.server.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, options.server.rss());
  }, 200);
  const cpuBefore = processCpuMs(options.server.pid);
  const databaseBefore = options.databaseProgram ? programCpuMs(options.databaseProgram) : null;
  try {
    let instance!: autocannon.Instance;
    const done = new Promise<autocannon.Result>((resolve, reject) => {
      instance = autocannon(
        {
          url: options.url,
          connections: options.connections,
          duration: options.durationS,
          requests,
          timeout: 10,
        },
        (err, result) => (err ? reject(err as Error) : resolve(result)),
      );
    });
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      if (count === times.length) {
        const bigger = new Float64Array(times.length * 2);
        bigger.set(times);
        times = bigger;
      }
      times[count++] = responseTime;
    });
    const result = await done;
    const serverCpuMs = processCpuMs(options.server.pid) - cpuBefore;
    const databaseCpuMs =
      databaseBefore && options.databaseProgram
        ? cpuBetween(databaseBefore, programCpuMs(options.databaseProgram))
        : undefined;
    const sorted = times.slice(0, count).sort();
    let sum = 0;
    for (const t of sorted) sum += t;
    const statuses: Record<string, number> = {};
    for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = stat.count ?? 0;
    return {
      requests: count,
      durationS: result.duration,
      rps: count / result.duration,
      latencyMs: {
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
        max: sorted.length ? sorted[sorted.length - 1]! : 0,
        mean: count ? sum / count : 0,
      },
      errors: result.errors,
      non2xx: result.non2xx,
      statuses,
      firstFailure,
      peakRssBytes: Math.max(peakRss, options.server.rss()),
      serverCpuMsPerRequest: count ? serverCpuMs / count : 0,
      ...(databaseCpuMs === undefined ? {} : { databaseCpuMsPerRequest: count ? databaseCpuMs / count : 0 }),
    };
  } finally {
    clearInterval(sampler);
  }
}
