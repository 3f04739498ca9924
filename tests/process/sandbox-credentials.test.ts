import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { Http } from '../support/http.js';
import { saleBody } from '../support/payloads.js';
import { freePort, runCli, spawnCli } from '../support/process.js';

beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

/** Issue 18 item 5: a CI configuration names the sandbox credentials before the gateway ever ran. */
const FIXED = {
  KARTOTEKA_SANDBOX_MERCHANT_ID: 'ci0sandbox0merchant1',
  KARTOTEKA_SANDBOX_SERVICE_ID: '0b6f3c1e-2a4d-4f5e-9a7b-8c9d0e1f2a3b',
  KARTOTEKA_SANDBOX_SERVICE_KEY: 'CiServiceKey0123456789abcdefABCD',
  KARTOTEKA_SANDBOX_TOKEN: 'CiToken0123456789abcdefghijklmnopqrstuvwxyzABCDE',
};

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kartoteka-sandbox-creds-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Starts `serve`, runs `work` against it, stops it. */
async function serving(env: Record<string, string>, work: (port: number, out: string) => Promise<void>) {
  const port = await freePort();
  const server = spawnCli(['serve'], { ...env, KARTOTEKA_PORT: String(port) });
  try {
    await server.waitFor(/Health: /);
    await work(port, server.output());
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

async function pays(port: number, merchantId: string, token: string, serviceId: string): Promise<number> {
  const api = new Http(`http://127.0.0.1:${port}/v1/merchant/${merchantId}`, {
    authorization: `Bearer ${token}`,
  });
  const res = await api.post<{ transaction: { status: string } }>('/transaction', saleBody(serviceId));
  expect(res.status, res.text).toBe(200);
  expect(res.body.transaction.status).toBe('settled');
  return res.status;
}

describe('fixed sandbox credentials (KARTOTEKA_SANDBOX_*)', () => {
  it('are honoured on first start: the banner prints them and a payment with them works', async () => {
    const dataDir = join(root, 'fixed');
    await serving({ KARTOTEKA_DATA_DIR: dataDir, ...FIXED }, async (port, out) => {
      expect(out).toContain(`merchantId   : ${FIXED.KARTOTEKA_SANDBOX_MERCHANT_ID}`);
      expect(out).toContain(`serviceId    : ${FIXED.KARTOTEKA_SANDBOX_SERVICE_ID}`);
      expect(out).toContain(`serviceKey   : ${FIXED.KARTOTEKA_SANDBOX_SERVICE_KEY}`);
      expect(out).toContain(`token        : ${FIXED.KARTOTEKA_SANDBOX_TOKEN}`);
      await pays(
        port,
        FIXED.KARTOTEKA_SANDBOX_MERCHANT_ID,
        FIXED.KARTOTEKA_SANDBOX_TOKEN,
        FIXED.KARTOTEKA_SANDBOX_SERVICE_ID,
      );
    });
    const stored = JSON.parse(readFileSync(join(dataDir, 'sandbox-credentials.json'), 'utf8')) as unknown;
    expect(stored).toEqual({
      merchantId: FIXED.KARTOTEKA_SANDBOX_MERCHANT_ID,
      serviceId: FIXED.KARTOTEKA_SANDBOX_SERVICE_ID,
      serviceKey: FIXED.KARTOTEKA_SANDBOX_SERVICE_KEY,
      token: FIXED.KARTOTEKA_SANDBOX_TOKEN,
    });
    // A later start with the same values is fine; one with other values is refused, naming the variable.
    await serving({ KARTOTEKA_DATA_DIR: dataDir, ...FIXED }, async (port) => {
      await pays(
        port,
        FIXED.KARTOTEKA_SANDBOX_MERCHANT_ID,
        FIXED.KARTOTEKA_SANDBOX_TOKEN,
        FIXED.KARTOTEKA_SANDBOX_SERVICE_ID,
      );
    });
    const other = 'ci0sandbox0merchant2';
    const otherToken = 'X'.repeat(48);
    const refused = await runCli(['serve'], {
      KARTOTEKA_DATA_DIR: dataDir,
      KARTOTEKA_PORT: String(await freePort()),
      ...FIXED,
      KARTOTEKA_SANDBOX_MERCHANT_ID: other,
      KARTOTEKA_SANDBOX_TOKEN: otherToken,
    });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      `KARTOTEKA_SANDBOX_MERCHANT_ID (${other}) is not a merchant of this database`,
    );
    expect(refused.output).toContain('KARTOTEKA_SANDBOX_TOKEN is not an active token');
    expect(refused.output).toContain('kartoteka reset');
    expect(refused.output).not.toContain(otherToken);
    expect(refused.output).not.toContain('Health: ');
  }, 90_000);

  it('a bad format is refused at start, naming the variable and never echoing a secret', async () => {
    const cases: Array<[string, string, string]> = [
      ['KARTOTEKA_SANDBOX_MERCHANT_ID', 'Not-A-Merchant', '20 lowercase letters and digits'],
      ['KARTOTEKA_SANDBOX_SERVICE_ID', '0B6F3C1E-2A4D-4F5E-9A7B-8C9D0E1F2A3B', 'a lowercase UUID v4'],
      ['KARTOTEKA_SANDBOX_SERVICE_KEY', 'short-key', '32 letters and digits'],
      ['KARTOTEKA_SANDBOX_TOKEN', 'secret token with spaces', '48 letters and digits'],
    ];
    for (const [name, value, shape] of cases) {
      const res = await runCli(['serve'], {
        KARTOTEKA_DATA_DIR: join(root, 'bad'),
        KARTOTEKA_PORT: String(await freePort()),
        [name]: value,
      });
      expect(res.code, name).toBe(1);
      expect(res.output).toContain(`kartoteka: configuration error: ${name} must be ${shape}`);
      if (!name.endsWith('_ID')) expect(res.output).not.toContain(value);
    }
    // Nothing was created for a refused start.
    expect(existsSync(join(root, 'bad', 'kartoteka.db'))).toBe(false);
  }, 60_000);
});

describe('kartoteka reset', () => {
  it('empties a sandbox data directory: the next start makes a new merchant, or the fixed one', async () => {
    const dataDir = join(root, 'reset');
    const env = { KARTOTEKA_DATA_DIR: dataDir };
    await serving(env, async () => undefined);
    const first = JSON.parse(readFileSync(join(dataDir, 'sandbox-credentials.json'), 'utf8')) as {
      merchantId: string;
    };
    const reset = await runCli(['reset'], env);
    expect(reset.code, reset.output).toBe(0);
    expect(reset.output).toContain('removed kartoteka.db');
    for (const f of ['kartoteka.db', 'master.key', 'sandbox-credentials.json']) {
      expect([f, existsSync(join(dataDir, f))]).toEqual([f, false]);
    }
    await serving(env, async (port) => {
      const fresh = JSON.parse(readFileSync(join(dataDir, 'sandbox-credentials.json'), 'utf8')) as {
        merchantId: string;
        token: string;
        serviceId: string;
      };
      expect(fresh.merchantId).not.toBe(first.merchantId);
      await pays(port, fresh.merchantId, fresh.token, fresh.serviceId);
    });
    expect((await runCli(['reset'], env)).code).toBe(0);
    await serving({ ...env, ...FIXED }, async (port) => {
      await pays(
        port,
        FIXED.KARTOTEKA_SANDBOX_MERCHANT_ID,
        FIXED.KARTOTEKA_SANDBOX_TOKEN,
        FIXED.KARTOTEKA_SANDBOX_SERVICE_ID,
      );
    });
  }, 120_000);

  it('is refused while a gateway has the data directory open, and removes nothing', async () => {
    const dataDir = join(root, 'reset-while-serving');
    const env = { KARTOTEKA_DATA_DIR: dataDir };
    await serving(env, async () => {
      const res = await runCli(['reset'], env);
      expect(res.code, res.output).toBe(1);
      expect(res.output).toContain('reset refused');
      expect(res.output).toContain('is open in another process');
      for (const f of ['kartoteka.db', 'master.key', 'sandbox-credentials.json']) {
        expect([f, existsSync(join(dataDir, f))]).toEqual([f, true]);
      }
    });
    // Stopped, it empties the directory as before.
    const after = await runCli(['reset'], env);
    expect(after.code, after.output).toBe(0);
    expect(existsSync(join(dataDir, 'kartoteka.db'))).toBe(false);
  }, 120_000);

  it('is refused in production mode, whatever the acquirer, and removes nothing', async () => {
    const dataDir = join(root, 'prod');
    await serving({ KARTOTEKA_DATA_DIR: dataDir }, async () => undefined);
    const production: Array<Record<string, string>> = [
      { KARTOTEKA_MODE: 'production', KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'on' },
      {
        // A real acquirer (its settings need only be well-formed: reset refuses before anything connects).
        KARTOTEKA_MODE: 'production',
        KARTOTEKA_ACQUIRER: 'imoje',
        KARTOTEKA_IMOJE_API_URL: 'https://imoje.example',
        KARTOTEKA_IMOJE_MERCHANT_ID: 'abcdefghij0123456789',
        KARTOTEKA_IMOJE_SERVICE_ID: '2059754f-c532-4069-aa85-a4322c4b16fb',
        KARTOTEKA_IMOJE_SERVICE_KEY: 'upstream-service-key',
        KARTOTEKA_IMOJE_TOKEN: 'upstream-token',
      },
    ];
    for (const extra of production) {
      const res = await runCli(['reset'], { KARTOTEKA_DATA_DIR: dataDir, ...extra });
      expect(res.code, JSON.stringify(extra)).toBe(1);
      expect(res.output).toContain('reset refused: KARTOTEKA_MODE=production');
    }
    // Production without either is not even a valid configuration: refused too.
    const bare = await runCli(['reset'], { KARTOTEKA_DATA_DIR: dataDir, KARTOTEKA_MODE: 'production' });
    expect(bare.code).toBe(1);
    for (const f of ['kartoteka.db', 'master.key', 'sandbox-credentials.json']) {
      expect([f, existsSync(join(dataDir, f))]).toEqual([f, true]);
    }
  }, 60_000);

  it('is refused on a PostgreSQL database (it only empties a SQLite data directory)', async () => {
    const res = await runCli(['reset'], {
      KARTOTEKA_DATA_DIR: join(root, 'pg'),
      KARTOTEKA_DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5432/kartoteka_never_touched',
    });
    expect(res.code).toBe(1);
    expect(res.output).toContain('reset refused: KARTOTEKA_DATABASE_URL names a PostgreSQL database');
  });
});
