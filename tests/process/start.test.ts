import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { Http } from '../support/http.js';
import { saleBody } from '../support/payloads.js';
import { freePort, ROOT, runCli, spawnCli, type Spawned } from '../support/process.js';

beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

/** Non-negotiable 1: `npm start` on a fresh data directory gives a working sandbox and says how to call it. */
describe('npm start: the built server on a fresh data directory', () => {
  let dataDir: string;
  let server: Spawned;
  let port: number;
  beforeAll(async () => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'kartoteka-start-')), 'data');
    port = await freePort();
    server = spawnCli(['serve'], { KARTOTEKA_DATA_DIR: dataDir, KARTOTEKA_PORT: String(port) });
    await server.waitFor(/Health: /);
  }, 60_000);
  afterAll(async () => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('creates the data directory, the WAL-mode SQLite database and a 0600 master key', () => {
    expect(statSync(dataDir).isDirectory()).toBe(true);
    expect(statSync(join(dataDir, 'kartoteka.db')).size).toBeGreaterThan(0);
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'sandbox-credentials.json')).mode & 0o777).toBe(0o600);
    const mode = execFileSync(
      process.execPath,
      [
        '-e',
        `const D=require('better-sqlite3');const d=new D(${JSON.stringify(join(dataDir, 'kartoteka.db'))},{readonly:true});console.log(d.pragma('journal_mode',{simple:true}))`,
      ],
      { cwd: ROOT },
    )
      .toString()
      .trim();
    expect(mode).toBe('wal');
  });

  it('the database and its -wal and -shm files are created 0600 (they were 0644, protected only by the directory)', () => {
    for (const file of ['kartoteka.db', 'kartoteka.db-wal', 'kartoteka.db-shm']) {
      expect([file, statSync(join(dataDir, file)).mode & 0o777]).toEqual([file, 0o600]);
    }
  });

  it('prints the base URL, merchantId, serviceId, serviceKey, the token and a curl command that works as pasted', () => {
    const out = server.output();
    const creds = JSON.parse(readFileSync(join(dataDir, 'sandbox-credentials.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(out).toContain(`http://127.0.0.1:${port}/v1/merchant`);
    expect(out).toContain(`merchantId   : ${creds.merchantId}`);
    expect(out).toContain(`serviceId    : ${creds.serviceId}`);
    expect(out).toContain(`serviceKey   : ${creds.serviceKey}`);
    expect(out).toContain(`token        : ${creds.token}`);
    expect(out).toContain(`Demo shop (card widget): http://127.0.0.1:${port}/demo`);
    expect(out).toContain(`API reference: http://127.0.0.1:${port}/docs`);
    const curl = /(curl -s [^\n]+\\\n[^\n]+\\\n[^\n]+)/.exec(out)![1]!;
    const response = JSON.parse(execSync(curl, { shell: '/bin/sh' }).toString()) as {
      transaction: { status: string; paymentProfile: { maskedNumber: string } };
    };
    expect(response.transaction.status).toBe('settled');
    expect(response.transaction.paymentProfile.maskedNumber).toBe('****1111');
  });

  it('SIGTERM finishes what is in flight: every request the server processed got its answer; then exit 0', async () => {
    const creds = JSON.parse(readFileSync(join(dataDir, 'sandbox-credentials.json'), 'utf8')) as Record<
      string,
      string
    >;
    const api = new Http(`http://127.0.0.1:${port}/v1/merchant/${creds.merchantId}`, {
      authorization: `Bearer ${creds.token}`,
    });
    const tag = `drain-${Date.now()}`;
    let answered = 0;
    const requests = Array.from({ length: 120 }, (_, i) =>
      api
        .post(
          '/transaction',
          saleBody(creds.serviceId!, { orderId: `${tag}-${i}`, paymentMethodCode: 'ecom3ds' }),
        )
        .then((r) => {
          answered++;
          return r.status;
        })
        .catch(() => 'connection-error' as const),
    );
    while (answered < 5) await new Promise((r) => setTimeout(r, 5));
    server.child.kill('SIGTERM');
    const statuses = await Promise.all(requests);
    expect(await server.exited).toBe(0);
    const ok = statuses.filter((s) => s === 200).length;
    expect(ok).toBeGreaterThanOrEqual(5);
    // Nothing else than success or a connection the server never processed (503 while closing is fine too).
    for (const s of statuses) expect([200, 503, 'connection-error']).toContain(s);
    const D = (await import('better-sqlite3')).default;
    const db = new D(join(dataDir, 'kartoteka.db'), { readonly: true });
    const stored = db
      .prepare('select status from transactions where order_id like ?')
      .all(`${tag}-%`) as Array<{ status: string }>;
    db.close();
    // Every payment the server took on was answered, and none is left half-done.
    expect(stored.length).toBe(ok);
    expect(stored.every((t) => t.status === 'settled')).toBe(true);
  });
});

/** Issue 12 item 9: `KARTOTEKA_MODE=production` used to start on the sandbox acquirer without a word. */
describe('npm start in production mode on the sandbox acquirer', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'kartoteka-prod-'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses to start unless asked for explicitly, and says how', async () => {
    const port = await freePort();
    const env = { KARTOTEKA_DATA_DIR: join(root, 'data'), KARTOTEKA_PORT: String(port) };
    const refused = await runCli(['serve'], { ...env, KARTOTEKA_MODE: 'production' });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      'kartoteka: configuration error: KARTOTEKA_MODE=production without KARTOTEKA_ACQUIRER would run on the sandbox acquirer',
    );
    expect(refused.output).toContain('KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION=on');
    expect(refused.output).not.toContain('Health: ');

    const named = await runCli(['serve'], {
      ...env,
      KARTOTEKA_MODE: 'production',
      KARTOTEKA_ACQUIRER: 'sandbox',
    });
    expect(named.code).toBe(1);
    expect(named.output).toContain('with KARTOTEKA_ACQUIRER=sandbox would run on the sandbox acquirer');

    const optedIn = spawnCli(['serve'], {
      ...env,
      KARTOTEKA_MODE: 'production',
      KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'on',
    });
    try {
      await optedIn.waitFor(/Health: /);
      expect(optedIn.output()).toContain('production mode on a simulated acquirer');
    } finally {
      optedIn.child.kill('SIGTERM');
      await optedIn.exited;
    }
  }, 60_000);
});
