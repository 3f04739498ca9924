import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerProcess {
  url: string;
  pid: number;
  /** Current resident set size in bytes (VmRSS). */
  rss(): number;
  /** Peak resident set size of the process so far, in bytes (VmHWM). */
  peakRss(): number;
  /** Statements the process's database drivers have executed so far (bench/count-statements.mjs). */
  statements(): Promise<StatementCounts>;
  stop(): Promise<void>;
}

/** pg: round trips (`Client.query` calls); sqlite: statement executions. */
export interface StatementCounts {
  pg: number;
  sqlite: number;
}

const COUNTER = join(dirname(fileURLToPath(import.meta.url)), 'count-statements.mjs');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Starts an entry point as its own Node process (a TypeScript one through tsx), with its output going to a log
 * file rather than a pipe so that draining it costs the load generator nothing.
 */
export async function startServer(options: {
  entry: string;
  args?: string[];
  env: Record<string, string>;
  logFile: string;
  cwd: string;
  nodeFlags?: string[];
}): Promise<ServerProcess> {
  const loader = options.entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const port = await freePort();
  const out = openSync(options.logFile, 'a');
  const countsFile = `${options.logFile}.${port}.counts.json`;
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), '--import', COUNTER, ...loader, options.entry, ...(options.args ?? [])],
    {
      cwd: options.cwd,
      env: {
        ...process.env,
        ...options.env,
        KARTOTEKA_HOST: '127.0.0.1',
        KARTOTEKA_PORT: String(port),
        BENCH_STATEMENT_COUNTS_FILE: countsFile,
      },
      stdio: ['ignore', out, out],
    },
  );
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${options.entry}`);
  let exited: number | null = null;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code ?? -1;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) throw new Error(`${options.entry} exited with ${exited}; see ${options.logFile}`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.entry} did not become ready within 60 s; see ${options.logFile}`);
    }
    await sleep(100);
  }
  return {
    url,
    pid,
    rss: () => statusField(pid, 'VmRSS'),
    peakRss: () => statusField(pid, 'VmHWM'),
    async statements() {
      const read = (): { seq: number } & StatementCounts => {
        try {
          return JSON.parse(readFileSync(countsFile, 'utf8')) as { seq: number } & StatementCounts;
        } catch {
          return { seq: 0, pg: 0, sqlite: 0 };
        }
      };
      const before = read().seq;
      child.kill('SIGUSR2');
      for (let i = 0; i < 100; i++) {
        await sleep(20);
        const now = read();
        if (now.seq > before) return { pg: now.pg, sqlite: now.sqlite };
      }
      throw new Error(`${options.entry} did not report its statement counts`);
    },
    async stop() {
      if (exited !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
