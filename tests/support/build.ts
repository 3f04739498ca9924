import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { markBuilt, ROOT } from './process.js';

const run = promisify(execFile);
const DIST = join(ROOT, 'dist');
/** The run id dist/ was last built for. */
const STAMP = join(DIST, '.built-for-run');

/** For beforeAll: a cold build of the whole project takes a while on two busy cores. */
export const BUILD_TIMEOUT_MS = 180_000;

let built: Promise<void> | undefined;

/**
 * Builds dist/ (`npm run build`, as `npm start` does) the first time a test of this `vitest run` asks, whichever
 * fork asks first; the others wait for that build instead of compiling into the same directory at the same time.
 * Call it in `beforeAll` of every test file that runs the built CLI (spawnCli refuses otherwise).
 */
export function ensureBuilt(): Promise<void> {
  built ??= buildOnce(inject('buildRunId')).then(markBuilt);
  return built;
}

async function buildOnce(runId: string): Promise<void> {
  mkdirSync(DIST, { recursive: true });
  // Named after the run, so a lock left by an interrupted earlier run never blocks this one.
  const lock = join(DIST, `.build-lock-${runId}`);
  await acquire(lock);
  try {
    if (readOrNull(STAMP) === runId) return;
    try {
      await run('npm', ['run', 'build', '--silent'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`npm run build failed:\n${e.stdout ?? ''}${e.stderr ?? ''}\n${e.message}`);
    }
    writeFileSync(STAMP, runId);
  } finally {
    // Moved away first: a waiter's rename may land the moment the path is free, and must not be deleted.
    const released = `${lock}-released-${process.pid}`;
    renameSync(lock, released);
    rmSync(released, { recursive: true, force: true });
  }
}

/** The lock is a directory holding the builder's pid, moved into place in one rename (atomic). */
async function acquire(lock: string): Promise<void> {
  const mine = mkdtempSync(join(DIST, '.build-lock-new-'));
  writeFileSync(join(mine, 'pid'), String(process.pid));
  for (;;) {
    try {
      renameSync(mine, lock);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') {
        rmSync(mine, { recursive: true, force: true });
        throw err;
      }
    }
    const holder = Number(readOrNull(join(lock, 'pid')));
    if (holder > 0 && !alive(holder)) {
      rmSync(mine, { recursive: true, force: true });
      throw new Error(`the test process that was building dist/ (pid ${holder}) died; see its output above`);
    }
    await sleep(100);
  }
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
