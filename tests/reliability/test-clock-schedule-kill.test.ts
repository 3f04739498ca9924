import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/admin/accounts.js';
import { openSandboxLedger } from '../../src/acquirer/sandbox/open-ledger.js';
import { systemClock } from '../../src/domain/clock.js';
import { openStorage } from '../../src/storage/open.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { DB_KINDS, freshPostgresDatabase } from '../support/databases.js';
import { Http } from '../support/http.js';
import { saleBody } from '../support/payloads.js';
import { freePort, spawnCli, type Spawned } from '../support/process.js';
import type { ClockBody } from '../support/test-clock.js';
import type { TransactionResponse } from '../support/wire.js';
import type { ScheduleJson } from '../recurring/support.js';
import { Receiver } from '../notifications/receiver.js';

beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

const YEAR = new Date().getUTCFullYear() + 1;
const CYCLES = 24;

for (const db of DB_KINDS) {
  describe(`${db}: SIGKILL in the middle of advancing a monthly schedule, then advance again`, () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    afterEach(async () => {
      for (const c of cleanups.reverse()) await c();
      cleanups.length = 0;
    });

    it(
      'every cycle is charged exactly once (the sandbox ledger), the clock ends at the target',
      { timeout: 120_000 },
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'kartoteka-clock-cycles-'));
        cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
        const receiver = await Receiver.start();
        cleanups.push(() => receiver.close());
        // Slow notifications make each cycle take a while, so the kill lands between cycles or inside one.
        receiver.answer = () => ({ status: 200, delayMs: 40 });
        const env: Record<string, string> = {
          KARTOTEKA_BOOTSTRAP: 'off',
          KARTOTEKA_LOG_LEVEL: 'warn',
          KARTOTEKA_RATE_LIMIT_PER_TOKEN: '0',
          KARTOTEKA_DATA_DIR: dir,
          KARTOTEKA_PORT: String(await freePort()),
          // Short horizons, so what the killed process held (a schedule's lease, a debit with the acquirer)
          // comes free within seconds on PostgreSQL, where a new instance can't know that the old one died.
          KARTOTEKA_ACQUIRER_TIMEOUT_MS: '2000',
          KARTOTEKA_ACQUIRER_EXPIRY_MS: '5000',
          KARTOTEKA_RECOVERY_GRACE_MS: '5000',
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
        const ledger = openSandboxLedger({ db: storage.db, dialect: storage.dialect, fullSync: false });
        const accounts = new Accounts(storage, systemClock);
        const merchant = await accounts.createMerchant('Cycles');
        const shop = await accounts.createShop(merchant.id, {
          pciEnabled: true,
          notificationUrl: receiver.url(),
        });
        const { token } = await accounts.createToken(merchant.id);
        const base = `http://127.0.0.1:${env.KARTOTEKA_PORT}`;
        const auth = { authorization: `Bearer ${token}` };
        const api = new Http(`${base}/v1/merchant/${merchant.id}`, auth);
        const ext = new Http(`${base}/kartoteka/v1/merchant/${merchant.id}`, auth);
        const clockPath = `/test-clock/${shop.id}`;

        const t0 = Date.UTC(YEAR, 0, 1);
        expect((await ext.post(clockPath, { frozenAt: new Date(t0).toISOString() })).status).toBe(200);
        const reg = await api.post<TransactionResponse>(
          '/transaction',
          saleBody(shop.id, { paymentMethodCode: 'recurring' }, { year: String(YEAR + 10) }),
        );
        expect(reg.body.transaction.status, reg.text).toBe('settled');
        const created = await ext.post<{ schedule: ScheduleJson }>('/schedules', {
          paymentProfileId: reg.body.transaction.paymentProfile!.id,
          amount: 4900,
          currency: 'PLN',
          interval: { unit: 'month', count: 1 },
          startAt: Date.UTC(YEAR, 0, 5) / 1000,
          maxCycles: CYCLES,
        });
        expect(created.status, created.text).toBe(200);
        const scheduleId = created.body.schedule.id;
        const target = Date.UTC(YEAR + 3, 0, 1);

        const charged = async () => {
          const ids = new Set(
            (await storage.repos.schedules.listAttempts(scheduleId)).map((a) => a.transactionId),
          );
          return (await ledger.list()).filter((e) => e.operation === 'authorize' && ids.has(e.reference));
        };
        const advancing = ext
          .post(`${clockPath}/advance`, { to: new Date(target).toISOString() })
          .catch(() => null);
        for (let i = 0; i < 600 && (await charged()).length < 6; i++) await sleep(25);
        server.child.kill('SIGKILL');
        await server.exited;
        expect(await advancing).toBeNull();
        const before = (await charged()).length;
        expect(before).toBeGreaterThanOrEqual(6);
        expect(before).toBeLessThan(CYCLES);
        const killedAt = (await storage.repos.testClocks.get(merchant.id, shop.id))!.at!;
        expect(killedAt).toBeGreaterThan(t0);
        expect(killedAt).toBeLessThan(target);

        // Again: the same request. It finishes the interrupted advance (then nothing more: same target).
        server = await start();
        let again = await ext.post<ClockBody>(`${clockPath}/advance`, { to: new Date(target).toISOString() });
        for (let i = 0; again.status === 409 && i < 60; i++) {
          expect(db).toBe('postgres'); // the dead instance's lease runs out first
          await sleep(500);
          again = await ext.post<ClockBody>(`${clockPath}/advance`, { to: new Date(target).toISOString() });
        }
        expect(again.status, again.text).toBe(200);
        expect(again.body.testClock).toMatchObject({
          frozenAt: new Date(target).toISOString(),
          advancingTo: null,
        });

        // Every cycle once: one attempt row, one transaction, one authorisation at the acquirer, approved.
        const attempts = await storage.repos.schedules.listAttempts(scheduleId);
        expect(attempts.map((a) => a.cycle).sort((a, b) => a - b)).toEqual(
          Array.from({ length: CYCLES }, (_, i) => i + 1),
        );
        const entries = await charged();
        expect(entries).toHaveLength(CYCLES);
        expect(new Set(entries.map((e) => e.reference)).size).toBe(CYCLES);
        expect(entries.every((e) => e.outcome === 'approved')).toBe(true);
        // Nothing else was charged for this card: no debit outside the schedule's attempts.
        const all = (await ledger.list()).filter((e) => e.operation === 'authorize');
        expect(all).toHaveLength(CYCLES + 1); // + the registration
        const s = await ext.get<{ schedule: ScheduleJson }>(`/schedules/${scheduleId}`);
        expect(s.body.schedule).toMatchObject({ status: 'ended', cyclesSettled: CYCLES });
      },
    );
  });
}
