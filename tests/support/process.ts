import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

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

export interface Spawned {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
}

let builtForThisFile = false;

/** Called by ensureBuilt() (tests/support/build.ts) once dist/ is up to date. */
export function markBuilt(): void {
  builtForThisFile = true;
}

/** Runs the real CLI as `npm start` does: the built bin, which ensureBuilt() builds once per run. */
export function spawnCli(args: string[], env: Record<string, string>, built = true): Spawned {
  // Inside vitest, dist/ is only as new as the last ensureBuilt(); without it this would run stale code.
  // (scripts/crash-test.ts builds dist/ itself before it starts the harness.)
  if (built && process.env.VITEST && !builtForThisFile) {
    throw new Error(
      'spawnCli runs the built CLI: call `beforeAll(ensureBuilt, BUILD_TIMEOUT_MS)` in this file',
    );
  }
  const command = built ? ['bin/kartoteka.js', ...args] : ['--import', 'tsx', 'src/cli/main.ts', ...args];
  const child = spawn(process.execPath, command, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          const m = pattern.exec(out);
          if (m) return resolve(m);
          if (child.exitCode !== null)
            return reject(new Error(`process exited (${child.exitCode}) before ${pattern}:\n${out}`));
          if (Date.now() - started > timeoutMs)
            return reject(new Error(`timed out waiting for ${pattern}:\n${out}`));
          setTimeout(check, 25);
        };
        check();
      });
    },
  };
}

/** Runs a CLI command to completion and returns its output. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const p = spawnCli(args, env);
  const code = await p.exited;
  return { code, output: p.output() };
}
