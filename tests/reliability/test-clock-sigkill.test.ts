import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/admin/accounts.js';
import { systemClock } from '../../src/domain/clock.js';
import { MAX_ATTEMPTS } from '../../src/notifications/retry-schedule.js';
import { openStorage } from '../../src/storage/open.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { DB_KINDS, freshPostgresDatabase } from '../support/databases.js';
import { Http } from '../support/http.js';
import { saleBody } from '../support/payloads.js';
import { freePort, spawnCli, type Spawned } from '../support/process.js';
import type { ClockBody } from '../support/test-clock.js';
import { Receiver } from '../notifications/receiver.js';

beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

const PAYMENTS = 3;

for (const db of DB_KINDS) {
  describe(`${db}: an advance killed midway (SIGKILL) is finished by the next one, nothing done twice`, () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    afterEach(async () => {
      for (const c of cleanups.reverse()) await c();
      cleanups.length = 0;
    });

    it(
      'the clock never goes back; every retry is attempted once, at its time',
      { timeout: 120_000 },
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'kartoteka-clock-kill-'));
        cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
        const receiver = await Receiver.start();
        cleanups.push(() => receiver.close());
        // Every attempt fails, slowly enough that the kill lands in the middle of the advance.
        receiver.answer = () => ({ status: 503, delayMs: 20 });
        const env: Record<string, string> = {
          KARTOTEKA_BOOTSTRAP: 'off',
          KARTOTEKA_LOG_LEVEL: 'warn',
          KARTOTEKA_RATE_LIMIT_PER_TOKEN: '0',
          KARTOTEKA_DATA_DIR: dir,
          KARTOTEKA_PORT: String(await freePort()),
        };
        let config;
        if (db === 'postgres') {
          const fresh = await freshPostgresDatabase();
          cleanups.push(() => fresh.drop());
          env.KARTOTEKA_DATABASE_URL = fresh.url;
          config = { kind: 'postgres' as const, url: fresh.url, poolSize: 2, statementTimeoutMs: 5000 };
        } else {
          config = { kind: 'sqlite' as const, path: join(dir, 'kartoteka.db'), synchronous: 'full' as const };
        }
        const start = async (): Promise<Spawned> => {
          const server = spawnCli(['serve'], env);
          cleanups.push(async () => {
            if (server.child.exitCode === null) server.child.kill('SIGKILL');
            await server.exited;
          });
          await server.waitFor(/listening on/, 30_000);
          return server;
        };

        let server = await start();
        const storage = await openStorage(config);
        cleanups.push(() => storage.close());
        const accounts = new Accounts(storage, systemClock);
        const merchant = await accounts.createMerchant('Clock');
        const shop = await accounts.createShop(merchant.id, {
          pciEnabled: true,
          notificationUrl: receiver.url(),
        });
        const { token } = await accounts.createToken(merchant.id);
        const base = `http://127.0.0.1:${env.KARTOTEKA_PORT}`;
        const auth = { authorization: `Bearer ${token}` };
        const api = new Http(`${base}/v1/merchant/${merchant.id}`, auth);
        const ext = new Http(`${base}/kartoteka/v1/merchant/${merchant.id}/test-clock/${shop.id}`, auth);

        const t0 = Date.parse(`${new Date().getUTCFullYear() + 1}-01-01T00:00:00Z`);
        const target = t0 + 10 * 86_400_000;
        expect((await ext.post('', { frozenAt: new Date(t0).toISOString() })).status).toBe(200);
        for (let i = 0; i < PAYMENTS; i++) {
          expect((await api.post('/transaction', saleBody(shop.id))).status).toBe(200);
        }

        // Kill the gateway while the advance is sending retries.
        const advancing = ext.post('/advance', { by: '10d' }).catch(() => null);
        await receiver.waitFor(PAYMENTS * 8, 60_000);
        server.child.kill('SIGKILL');
        await server.exited;
        expect(await advancing).toBeNull(); // the connection died with the process: no answer
        const sentBeforeKill = receiver.received.length;
        expect(sentBeforeKill).toBeLessThan(PAYMENTS * MAX_ATTEMPTS);

        const killed = await storage.repos.testClocks.get(merchant.id, shop.id);
        expect(killed!.target).toBe(target);
        expect(killed!.at).toBeGreaterThan(t0);
        expect(killed!.at).toBeLessThan(target);

        server = await start();
        const shown = await ext.get<ClockBody>('');
        expect(shown.body.testClock.advancingTo).toBe(new Date(target).toISOString());
        expect(Date.parse(shown.body.testClock.frozenAt)).toBe(killed!.at);

        // No body: finish the interrupted advance. On PostgreSQL its lease must run out first (a dead
        // instance can't be told from a slow one); a single SQLite process knows at start that it died.
        let resumed = await ext.post<ClockBody>('/advance');
        for (let i = 0; resumed.status === 409 && i < 60; i++) {
          expect(db).toBe('postgres');
          await sleep(500);
          resumed = await ext.post<ClockBody>('/advance');
        }
        expect(resumed.status).toBe(200);
        expect(resumed.body.testClock).toMatchObject({
          frozenAt: new Date(target).toISOString(),
          advancingTo: null,
          advancing: false,
        });
        expect(Date.parse(resumed.body.advance!.from)).toBe(killed!.at);

        // Every notification went through its whole schedule, each attempt recorded once, in order, at its time.
        const rows = await storage.repos.notifications.list({ merchantId: merchant.id, limit: 10 });
        expect(rows).toHaveLength(PAYMENTS);
        for (const row of rows) {
          expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
          const attempts = await storage.repos.notifications.attempts(row.id);
          expect(attempts).toHaveLength(MAX_ATTEMPTS);
          const times = attempts.map((a) => a.attemptedAt);
          expect(times[0]).toBe(t0);
          for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
        }
        // At most the one attempt in flight when the process died was sent again (at-least-once delivery).
        expect(receiver.received.length).toBeGreaterThanOrEqual(PAYMENTS * MAX_ATTEMPTS);
        expect(receiver.received.length).toBeLessThanOrEqual(PAYMENTS * MAX_ATTEMPTS + 1);
      },
    );
  });
}
