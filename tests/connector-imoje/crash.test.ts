import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Accounts } from '../../src/admin/accounts.js';
import { loadConfig } from '../../src/config/config.js';
import { systemClock } from '../../src/domain/clock.js';
import { openStorage } from '../../src/storage/open.js';
import { DB_KINDS, freshPostgresDatabase } from '../support/databases.js';
import { startImojeUpstream, type ImojeUpstream } from '../support/imoje-upstream.js';
import { saleBody } from '../support/payloads.js';
import { freePort, spawnCli, type Spawned } from '../support/process.js';
import type { TransactionResponse } from '../support/wire.js';
import { approvedCharges, upstreamOf } from './upstream.js';
import { UpstreamProxy } from './upstream-proxy.js';

/**
 * Issue 16 item 5, the crash case: B (`kartoteka serve`, a real process) is SIGKILLed after A charged the card
 * and before B recorded A's answer — deterministic, because the proxy holds A's answer until B is dead. After
 * the restart the shop retries with the same Idempotency-Key: nothing is charged twice (A's ledger), and the
 * payment ends with A's outcome, which A's notification brings.
 */
for (const db of DB_KINDS) {
  describe(`Kartoteka in front of imoje: B killed between asking A and recording the answer (B on ${db})`, () => {
    let upstream: ImojeUpstream;
    let proxy: UpstreamProxy;
    let dataDir: string;
    let drop: (() => Promise<void>) | undefined;
    let env: Record<string, string>;
    let base: string;
    let api: string;
    let token: string;
    let serviceId: string;
    let b: Spawned | undefined;

    const start = async () => {
      b = spawnCli(['serve'], env, false);
      await vi.waitFor(
        async () => {
          const r = await fetch(`${base}/health/ready`);
          if (r.status !== 200) throw new Error('not ready');
        },
        { timeout: 60_000, interval: 50 },
      );
    };

    beforeAll(async () => {
      upstream = await startImojeUpstream();
      proxy = await UpstreamProxy.start(upstream.a.url);
      dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-imoje-crash-'));
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      env = {
        ...upstream.env(proxy.url),
        KARTOTEKA_DATA_DIR: dataDir,
        KARTOTEKA_PORT: String(port),
        KARTOTEKA_BOOTSTRAP: 'off',
        KARTOTEKA_WORKER: 'on',
        KARTOTEKA_WORKER_POLL_MS: '100',
        KARTOTEKA_ACQUIRER_TIMEOUT_MS: '3000',
        KARTOTEKA_ACQUIRER_EXPIRY_MS: '3000',
        KARTOTEKA_IDEMPOTENCY_LEASE_MS: '4000',
        KARTOTEKA_RECOVERY_GRACE_MS: '500',
        KARTOTEKA_LOG_LEVEL: 'warn',
      };
      if (db === 'postgres') {
        const fresh = await freshPostgresDatabase();
        drop = fresh.drop;
        env.KARTOTEKA_DATABASE_URL = fresh.url;
      }
      const setup = await openStorage(loadConfig({}, env).database);
      const accounts = new Accounts(setup, systemClock);
      const merchant = await accounts.createMerchant('Shop in front of imoje');
      serviceId = (await accounts.createShop(merchant.id, { name: 'Shop', pciEnabled: true })).id;
      token = (await accounts.createToken(merchant.id, 'crash')).token;
      await setup.close();
      api = `${base}/v1/merchant/${merchant.id}`;
      await start();
    }, 120_000);
    afterAll(async () => {
      if (b && b.child.exitCode === null) {
        b.child.kill('SIGKILL');
        await b.exited;
      }
      await proxy?.close();
      await upstream?.close();
      await drop?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('after the restart nothing is charged twice and the payment ends with A’s outcome', async () => {
      const key = randomUUID();
      const body = JSON.stringify(saleBody(serviceId, { profileType: 'FIRST' }));
      const send = () =>
        fetch(`${api}/transaction`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body,
        });
      proxy.mode = 'hold';
      const lost = send().catch((err: unknown) => err);
      // A has acted and answered; its answer is held in the proxy, so B cannot have recorded it.
      await vi.waitFor(() => expect(proxy.forwarded).toBe(1), { timeout: 20_000, interval: 20 });
      expect(await approvedCharges(upstream.a)).toHaveLength(1);
      b!.child.kill('SIGKILL');
      await b!.exited;
      expect(await lost).toBeInstanceOf(Error);
      proxy.mode = 'pass';
      proxy.release();

      await start();
      // The shop retries with the same key until B answers: B answers 409 (in flight) while the outcome is
      // unknown, and A's notification (its worker, driven here as it runs in the background) settles it.
      let answer: TransactionResponse | undefined;
      await vi.waitFor(
        async () => {
          await upstream.a.gateway.worker.tick();
          const r = await send();
          if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
          answer = (await r.json()) as TransactionResponse;
        },
        { timeout: 30_000, interval: 250 },
      );
      const id = answer!.transaction.id;
      // A's notification (its worker, driven here) settles what B could not ask again.
      await vi.waitFor(
        async () => {
          await upstream.a.gateway.worker.tick();
          const r = await fetch(`${api}/transaction/${id}`, {
            headers: { authorization: `Bearer ${token}` },
          });
          const t = ((await r.json()) as TransactionResponse).transaction;
          if (t.status === 'pending') throw new Error('still pending');
        },
        { timeout: 30_000, interval: 200 },
      );
      await sleep(500);
      const [up, ...more] = await upstreamOf(upstream.a, id);
      expect(more).toHaveLength(0);
      expect(await approvedCharges(upstream.a)).toHaveLength(1);
      const final = (
        (await (
          await fetch(`${api}/transaction/${id}`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as TransactionResponse
      ).transaction;
      expect(final.status).toBe(up!.row.status);
      expect(final).toMatchObject({ status: 'settled', firstTransactionId: up!.row.networkTxnId });
    }, 120_000);
  });
}
