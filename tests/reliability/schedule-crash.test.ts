import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/admin/accounts.js';
import { loadConfig } from '../../src/config/config.js';
import { systemClock } from '../../src/domain/clock.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/storage.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { DB_KINDS, freshPostgresDatabase } from '../support/databases.js';
import { Http } from '../support/http.js';
import { saleBody } from '../support/payloads.js';
import { freePort, spawnCli, type Spawned } from '../support/process.js';
import type { TransactionResponse } from '../support/wire.js';

const SCHEDULES = 240;
const AMOUNT = 777;

/**
 * The real server (`kartoteka serve`, worker on) runs a few hundred cycles that fall due at one instant and is
 * killed with SIGKILL twice in the middle of the run, then restarted on the same database. Afterwards the
 * sandbox acquirer's own ledger shows no cycle charged twice, and no charge the gateway has no attempt for.
 */
beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

for (const db of DB_KINDS) {
  describe(`SIGKILL during a cycle run (${db})`, () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c();
    });

    it(
      'no cycle is charged twice, and every charge is one of the gateway’s attempts',
      { timeout: 180_000 },
      async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-schedule-crash-'));
        cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
        const port = await freePort();
        const env: Record<string, string> = {
          KARTOTEKA_DATA_DIR: dataDir,
          KARTOTEKA_PORT: String(port),
          KARTOTEKA_BOOTSTRAP: 'off',
          KARTOTEKA_WORKER: 'on',
          KARTOTEKA_WORKER_POLL_MS: '50',
          KARTOTEKA_ACQUIRER_TIMEOUT_MS: '2000',
          KARTOTEKA_ACQUIRER_EXPIRY_MS: '3000',
          KARTOTEKA_RECOVERY_GRACE_MS: '4000',
          KARTOTEKA_LOG_LEVEL: 'warn',
          KARTOTEKA_RATE_LIMIT_PER_TOKEN: '0',
        };
        if (db === 'postgres') {
          const fresh = await freshPostgresDatabase();
          cleanups.push(() => fresh.drop());
          env.KARTOTEKA_DATABASE_URL = fresh.url;
        }
        const config = loadConfig({}, env);
        const setup = await openStorage(config.database);
        const accounts = new Accounts(setup, systemClock);
        const merchant = await accounts.createMerchant('Crash merchant');
        const shop = await accounts.createShop(merchant.id, { name: 'Shop', pciEnabled: true });
        const { token } = await accounts.createToken(merchant.id, 'crash');
        await setup.close();

        const base = `http://127.0.0.1:${port}`;
        const api = new Http(`${base}/v1/merchant/${merchant.id}`, { authorization: `Bearer ${token}` });
        const ext = new Http(`${base}/kartoteka/v1/merchant/${merchant.id}`, {
          authorization: `Bearer ${token}`,
        });
        let server: Spawned | undefined;
        const start = async () => {
          server = spawnCli(['serve'], env);
          for (let i = 0; ; i++) {
            const ready = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(2000) })
              .then((r) => r.status === 200)
              .catch(() => false);
            if (ready) return;
            if (i > 600) throw new Error(`server not ready:\n${server.output()}`);
            await sleep(50);
          }
        };
        const kill = async () => {
          server!.child.kill('SIGKILL');
          await server!.exited;
        };
        cleanups.push(async () => {
          if (server && server.child.exitCode === null && server.child.signalCode === null) await kill();
        });
        await start();

        // A few profiles (registrations are the slow part), ten schedules each.
        const profiles: string[] = [];
        for (let i = 0; i < SCHEDULES / 10; i += 6) {
          await Promise.all(
            Array.from({ length: 6 }, async () => {
              const reg = await api.post<TransactionResponse>(
                '/transaction',
                saleBody(shop.id, { paymentMethodCode: 'recurring' }),
              );
              expect(reg.body.transaction.status, reg.text).toBe('settled');
              profiles.push(reg.body.transaction.paymentProfile!.id);
            }),
          );
        }
        // Every schedule's first cycle falls due at the same instant, a few seconds from now.
        const dueAt = Math.ceil(Date.now() / 1000) + 8;
        for (let i = 0; i < SCHEDULES; i += 12) {
          await Promise.all(
            Array.from({ length: 12 }, async (_, j) => {
              const s = await ext.post<{ schedule: { id: string } }>('/schedules', {
                paymentProfileId: profiles[(i + j) % profiles.length],
                amount: AMOUNT,
                currency: 'PLN',
                interval: { unit: 'month', count: 1 },
                startAt: dueAt,
              });
              expect(s.status, s.text).toBe(200);
            }),
          );
        }
        expect(Date.now()).toBeLessThan(dueAt * 1000);

        const reader: Storage = await openStorage(config.database);
        cleanups.push(() => reader.close());
        const charged = async () =>
          Number(
            (
              await reader.db
                .selectFrom('sandboxLedger')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .where('amount', '=', AMOUNT)
                .executeTakeFirstOrThrow()
            ).n,
          );
        const killAt = async (count: number) => {
          for (let i = 0; i < 4000 && (await charged()) < count; i++) await sleep(5);
          const at = await charged();
          await kill();
          return at;
        };
        const first = await killAt(SCHEDULES / 5);
        await start();
        const second = await killAt(first + SCHEDULES / 5);
        await start();
        // Mid-run both times: cycles were left for the restarted server.
        expect(first).toBeLessThan(SCHEDULES);
        expect(second).toBeLessThan(SCHEDULES);

        // Done when no schedule has a charge due any more (the killed runs' leases and pending payments expire).
        const settledBy = Date.now() + 120_000;
        for (;;) {
          const open = await reader.db
            .selectFrom('schedules')
            .select('id')
            .where('chargeAt', '<=', dueAt * 1000)
            .where('status', 'in', ['active', 'past_due'])
            .execute();
          if (open.length === 0) break;
          if (Date.now() > settledBy)
            throw new Error(`${open.length} schedules still due:\n${server!.output()}`);
          await sleep(200);
        }
        server!.child.kill('SIGTERM');
        await server!.exited;

        const attempts = await reader.db.selectFrom('scheduleAttempts').selectAll().execute();
        const attemptOf = new Map(attempts.map((a) => [a.transactionId, a]));
        const ledger = await reader.db
          .selectFrom('sandboxLedger')
          .selectAll()
          .where('amount', '=', AMOUNT)
          .where('operation', '=', 'authorize')
          .execute();
        // Every charge is one of the gateway's attempts: no charge without its row.
        expect(ledger.filter((e) => !attemptOf.has(e.reference))).toEqual([]);
        const approvedPerSchedule = new Map<string, number>();
        for (const e of ledger) {
          if (e.outcome !== 'approved') continue;
          const a = attemptOf.get(e.reference)!;
          approvedPerSchedule.set(a.scheduleId, (approvedPerSchedule.get(a.scheduleId) ?? 0) + 1);
        }
        // No cycle charged twice.
        expect([...approvedPerSchedule.values()].filter((n) => n > 1)).toEqual([]);
        const rows = await reader.db
          .selectFrom('schedules')
          .select(['id', 'cycle', 'cyclesSettled', 'status'])
          .execute();
        expect(rows).toHaveLength(SCHEDULES);
        for (const r of rows) {
          // The schedule's own count agrees with the acquirer's book.
          expect(r.cyclesSettled, r.id).toBe(approvedPerSchedule.get(r.id) ?? 0);
        }
        // A cycle cut off before the acquirer answered is not lost: it settled, or awaits its retry (past_due).
        expect(rows.every((r) => (r.cyclesSettled === 1 && r.cycle === 2) || r.status === 'past_due')).toBe(
          true,
        );
        expect(rows.filter((r) => r.cyclesSettled === 1).length).toBeGreaterThan(SCHEDULES / 2);
      },
    );
  });
}
