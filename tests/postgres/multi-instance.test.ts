import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/admin/accounts.js';
import { systemClock } from '../../src/domain/clock.js';
import { openStorage } from '../../src/storage/open.js';
import { newKeyFile } from '../../src/vault/keyring.js';
import type { Storage } from '../../src/storage/storage.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { freshPostgresDatabase, PG_URL } from '../support/databases.js';
import { Http } from '../support/http.js';
import { debitBody, saleBody } from '../support/payloads.js';
import { freePort, spawnCli, type Spawned } from '../support/process.js';
import type { TransactionResponse } from '../support/wire.js';
import { Receiver } from '../notifications/receiver.js';

/** Issue 6: two gateway processes behind one PostgreSQL database, requests spread over both. */
describe.skipIf(!PG_URL)('two gateway processes on one PostgreSQL database', () => {
  let drop: () => Promise<void>;
  let storage: Storage;
  const servers: Spawned[] = [];
  const apis: Http[] = [];
  let serviceId: string;
  let dir: string;
  let env: Record<string, string>;
  let receiver: Receiver;
  beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);
  beforeAll(async () => {
    const db = await freshPostgresDatabase();
    drop = db.drop;
    storage = await openStorage({ kind: 'postgres', url: db.url, poolSize: 4, statementTimeoutMs: 5000 });
    const accounts = new Accounts(storage, systemClock);
    const merchant = await accounts.createMerchant('Two instances');
    receiver = await Receiver.start();
    const shop = await accounts.createShop(merchant.id, {
      pciEnabled: true,
      notificationUrl: receiver.url('/imoje'),
    });
    serviceId = shop.id;
    const { token } = await accounts.createToken(merchant.id);
    dir = mkdtempSync(join(tmpdir(), 'kartoteka-multi-'));
    env = {
      KARTOTEKA_DATABASE_URL: db.url,
      KARTOTEKA_BOOTSTRAP: 'off',
      KARTOTEKA_LOG_LEVEL: 'warn',
      // Every instance shares the master key (deploy.md); each has its own data directory otherwise.
      KARTOTEKA_MASTER_KEY_FILE: join(dir, 'master.key'),
    };
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const server = spawnCli(['serve'], {
        ...env,
        KARTOTEKA_PORT: String(port),
        KARTOTEKA_DATA_DIR: join(dir, `instance-${i}`),
      });
      servers.push(server);
      await server.waitFor(/listening on/);
      apis.push(
        new Http(`http://127.0.0.1:${port}/v1/merchant/${merchant.id}`, { authorization: `Bearer ${token}` }),
      );
    }
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
    await storage?.close();
    await receiver?.close();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  async function ledger(reference?: string) {
    let q = storage.db.selectFrom('sandboxLedger').selectAll();
    if (reference) q = q.where('saleReference', '=', reference);
    return q.execute();
  }

  it('50 concurrent debits with one Idempotency-Key spread over both: one charge, one answer', async () => {
    const reg = await apis[0]!.post<TransactionResponse>('/transaction', saleBody(serviceId));
    const profileId = reg.body.transaction.paymentProfile!.id;
    const body = debitBody(serviceId, profileId, { orderId: 'two-instances-50' });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        apis[i % 2]!.post('/transaction/profile', body, { 'idempotency-key': 'spread-key' }),
      ),
    );
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.text).toBe(results[0]!.text);
    }
    expect((results[0]!.body as unknown as TransactionResponse).transaction.status).toBe('settled');
    const rows = await storage.db
      .selectFrom('transactions')
      .select('id')
      .where('orderId', '=', 'two-instances-50')
      .execute();
    expect(rows).toHaveLength(1);
    const charges = (
      await storage.db.selectFrom('sandboxLedger').selectAll().where('reference', '=', rows[0]!.id).execute()
    ).filter((e) => e.operation === 'authorize');
    expect(charges).toHaveLength(1);
  });

  it('concurrent partial refunds spread over both never exceed the sale', async () => {
    const sale = await apis[1]!.post<TransactionResponse>(
      '/transaction',
      saleBody(serviceId, { amount: 1000, paymentMethodCode: 'ecom3ds' }),
    );
    const id = sale.body.transaction.id;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        apis[i % 2]!.post(`/transaction/${id}/refund`, { type: 'refund', serviceId, amount: 150 }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(6);
    expect(results.filter((r) => r.status === 400)).toHaveLength(14);
    const refunds = await storage.db
      .selectFrom('transactions')
      .select(['amount', 'status'])
      .where('parentId', '=', id)
      .execute();
    expect(refunds.filter((r) => r.status === 'settled').reduce((a, r) => a + r.amount, 0)).toBe(900);
    const approved = (await ledger(id)).filter((e) => e.operation === 'refund' && e.outcome === 'approved');
    expect(approved.reduce((a, e) => a + e.amount, 0)).toBe(900);
  });

  it('cards sealed by one instance are debited by the other (shared master key)', async () => {
    const reg = await apis[0]!.post<TransactionResponse>('/transaction', saleBody(serviceId));
    const res = await apis[1]!.post<TransactionResponse>(
      '/transaction/profile',
      debitBody(serviceId, reg.body.transaction.paymentProfile!.id),
    );
    expect(res.body.transaction.status).toBe('settled');
  });

  it('an instance started with a different master key refuses to start, saying why', async () => {
    // A key of its own (a missing key file is refused before, for another reason: tests/api/master-key.test.ts).
    writeFileSync(join(dir, 'stranger.key'), JSON.stringify(newKeyFile()), { mode: 0o600 });
    const other = spawnCli(['serve'], {
      ...env,
      KARTOTEKA_PORT: String(await freePort()),
      KARTOTEKA_DATA_DIR: join(dir, 'stranger'),
      KARTOTEKA_MASTER_KEY_FILE: join(dir, 'stranger.key'),
    });
    expect(await other.exited).toBe(1);
    expect(other.output()).toContain('does not open this database');
  });

  it('every notification is delivered exactly once, by one of the two workers', async () => {
    // Earlier tests produced settled sales, debits, refunds and rejections through both instances.
    const deadline = Date.now() + 30_000;
    let pending = 1;
    while (pending > 0 && Date.now() < deadline) {
      const rows = await storage.db.selectFrom('notifications').select('status').execute();
      pending = rows.filter((r) => r.status !== 'delivered').length;
      if (pending > 0) await new Promise((r) => setTimeout(r, 100));
    }
    const rows = await storage.db
      .selectFrom('notifications')
      .select(['id', 'status', 'attempts', 'body'])
      .execute();
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.every((r) => r.status === 'delivered' && r.attempts === 1)).toBe(true);
    // The receiver counts: each stored notification arrived once, byte for byte.
    const received = receiver.received.map((r) => r.body.toString('utf8'));
    expect(received.length).toBe(rows.length);
    expect(new Set(received).size).toBe(received.length);
    for (const row of rows) expect(received).toContain(row.body);
  });

  it('a profile deactivated through one instance cannot be debited through the other', async () => {
    const reg = await apis[0]!.post<TransactionResponse>('/transaction', saleBody(serviceId));
    const profileId = reg.body.transaction.paymentProfile!.id;
    await apis[0]!.post('/profile/deactivate', { paymentProfileId: profileId });
    const res = await apis[1]!.post('/transaction/profile', debitBody(serviceId, profileId));
    expect(res.status).toBe(400);
    expect((res.body as { apiErrorResponse: { code: string } }).apiErrorResponse.code).toBe(
      'TRX-ERROR-120301',
    );
  });
});
