import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, ROOT } from '../support/process.js';

/** The project as a fresh clone would have it: tracked and new files, nothing built, no node_modules. */
function copyCheckout(target: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f && existsSync(join(ROOT, f)));
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(target, file));
  }
}

/** The environment a shell on a server would have: none of the npm/vitest variables of this test run. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(npm_|VITEST|KARTOTEKA_)/i.test(k) || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} took over ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

// A production server installs without dev dependencies (no vitest, no @types, no eslint) and must still build
// and start: this once failed at `tsc: not found`, and warned EBADENGINE on Node 20.
describe('production install', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kartoteka-prod-install-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'npm ci --omit=dev on a fresh checkout builds, warns of no engine, and `npm start` serves',
    async () => {
      copyCheckout(dir);
      // --prefer-offline: the packages come from npm's cache when this machine has them (it installed them for
      // this very test run), so the test costs little network; better-sqlite3 still builds for real.
      const install = await run(
        'npm',
        ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'],
        dir,
        12 * 60_000,
      );
      expect(install.code, install.output).toBe(0);
      expect(install.output).not.toMatch(/EBADENGINE/);
      expect(existsSync(join(dir, 'dist/cli/main.js')), 'the prepare script built dist/').toBe(true);
      expect(existsSync(join(dir, 'node_modules/vitest')), 'dev dependencies were left out').toBe(false);

      const port = await freePort();
      const server = spawn('npm', ['start', '--silent'], {
        cwd: dir,
        env: cleanEnv({ KARTOTEKA_PORT: String(port), KARTOTEKA_DATA_DIR: join(dir, 'data') }),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let out = '';
      server.stdout.on('data', (d: Buffer) => (out += d.toString()));
      server.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
      try {
        let ready = 0;
        for (let i = 0; i < 600 && ready !== 200; i++) {
          if (server.exitCode !== null) break;
          ready = await fetch(`http://127.0.0.1:${port}/health/ready`)
            .then((r) => r.status)
            .catch(() => 0);
          if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
        }
        expect(ready, out).toBe(200);
      } finally {
        // npm start runs node as its child: signal the whole group.
        if (server.pid) process.kill(-server.pid, 'SIGTERM');
      }
      await exited;
    },
    15 * 60_000,
  );
});
