import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SandboxCredentials } from '../../src/admin/accounts.js';
import { DB_KINDS, freshPostgresDatabase } from '../support/databases.js';
import { Http } from '../support/http.js';
import { saleBody } from '../support/payloads.js';
import { expectedSignatureHeader, Receiver } from './receiver.js';

const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The real server, as `kartoteka serve` runs it, in its own process. */
function serve(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.resume();
  return child;
}

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

for (const db of DB_KINDS) {
  describe(`${db}: a server killed with SIGKILL loses no notification`, () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c();
    });

    it(
      'delivers every pending notification after a restart, each acknowledged exactly once',
      { timeout: 90_000 },
      async () => {
        const receiver = await Receiver.start();
        cleanups.push(() => receiver.close());
        receiver.answer = () => ({ status: 500 });
        const dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-crash-'));
        cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
        const port = await freePort();
        const env: Record<string, string> = {
          KARTOTEKA_DATA_DIR: dataDir,
          KARTOTEKA_PORT: String(port),
          KARTOTEKA_BOOTSTRAP: 'on',
          KARTOTEKA_WORKER: 'on',
          KARTOTEKA_WORKER_POLL_MS: '100',
          // A notification in flight at the kill stays claimed for 2×timeout+10 s, then is retried.
          KARTOTEKA_NOTIFY_TIMEOUT_MS: '1000',
          KARTOTEKA_LOG_LEVEL: 'warn',
          KARTOTEKA_ADMIN_TOKEN: ADMIN_TOKEN,
        };
        if (db === 'postgres') {
          const pg = await freshPostgresDatabase();
          cleanups.push(() => pg.drop());
          env.KARTOTEKA_DATABASE_URL = pg.url;
        }
        const base = `http://127.0.0.1:${port}`;
        const admin = new Http(base, { authorization: `Bearer ${ADMIN_TOKEN}` });
        const ready = () =>
          new Http(base).get('/health/ready').then((r) => (r.status === 200 ? true : undefined));

        const first = serve(env);
        cleanups.push(() => killHard(first));
        await until('the first server', ready, 30_000);
        const credsFile = join(dataDir, 'sandbox-credentials.json');
        expect(existsSync(credsFile)).toBe(true);
        const creds = JSON.parse(readFileSync(credsFile, 'utf8')) as SandboxCredentials;
        const api = new Http(`${base}/v1/merchant/${creds.merchantId}`, {
          authorization: `Bearer ${creds.token}`,
        });
        const pay = async (): Promise<string> => {
          const res = await api.post<{ transaction: { id: string; status: string } }>(
            '/transaction',
            saleBody(creds.serviceId, { notificationUrl: receiver.url() }),
          );
          expect(res.body.transaction.status).toBe('settled');
          return res.body.transaction.id;
        };

        // Three notifications tried and refused by the shop (retry due in 10 s), two more queued right before the kill.
        const ids = [await pay(), await pay(), await pay()];
        await receiver.waitFor(3, 10_000);
        ids.push(await pay(), await pay());
        await killHard(first);
        expect(receiver.acknowledged()).toHaveLength(0);

        receiver.answer = () => ({ status: 200 });
        const second = serve(env);
        cleanups.push(() => killHard(second));
        await until('the restarted server', ready, 30_000);
        await until(
          'every notification acknowledged',
          async () => (receiver.acknowledged().length >= ids.length ? true : undefined),
          30_000,
        );
        await new Promise((r) => setTimeout(r, 1000)); // room for any duplicate to show up

        const acked = receiver.acknowledged();
        const paid = acked.map(
          (r) => (JSON.parse(r.body.toString('utf8')) as { payment: { id: string } }).payment.id,
        );
        expect(paid.sort()).toEqual([...ids].sort());
        for (const r of acked) {
          expect(r.headers['x-imoje-signature']).toBe(
            expectedSignatureHeader(r.body, creds.merchantId, creds.serviceId, creds.serviceKey),
          );
        }
        const delivered = await admin.get<{ notifications: Array<{ transactionId: string }> }>(
          '/admin/notifications?status=delivered',
        );
        expect(delivered.body.notifications.map((n) => n.transactionId).sort()).toEqual([...ids].sort());
        const pending = await admin.get<{ notifications: unknown[] }>('/admin/notifications?status=pending');
        expect(pending.body.notifications).toEqual([]);
        await killHard(second);
      },
    );
  });
}
