import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, PG_URL } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { debitBody, saleBody } from '../support/payloads.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { expectError, type TransactionResponse } from '../support/wire.js';

describe.skipIf(!PG_URL)('PostgreSQL outage in the middle of traffic', () => {
  let proxy: TcpProxy;
  let gw: TestGateway;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await freshPostgresDatabase();
    drop = db.drop;
    const target = new URL(db.url);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    const port = await proxy.start();
    const viaProxy = new URL(db.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(port);
    gw = await startGateway({
      db: 'postgres',
      databaseUrl: viaProxy.toString(),
      env: { KARTOTEKA_PG_STATEMENT_TIMEOUT_MS: '2000' },
    });
  });
  afterAll(async () => {
    await gw?.close().catch(() => undefined);
    await proxy?.stop();
    await drop?.();
  });

  it('requests during the outage fail cleanly with 503; afterwards the gateway serves again without a restart', async () => {
    const m = gw.merchant;
    const reg = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
    const profileId = reg.body.transaction.paymentProfile!.id;
    const before = await m.api.post<TransactionResponse>(
      '/transaction/profile',
      debitBody(m.serviceId, profileId),
    );
    expect(before.body.transaction.status).toBe('settled');

    // Traffic keeps flowing while the database goes away.
    const traffic = Array.from({ length: 10 }, (_, i) =>
      m.api.post('/transaction/profile', debitBody(m.serviceId, profileId, { orderId: `during-${i}` })),
    );
    await proxy.stop();
    const during = await Promise.all(traffic);
    const down = await Promise.all([
      m.api.post('/transaction/profile', debitBody(m.serviceId, profileId)),
      m.api.get(`/profile/id/${profileId}`),
      gw.http.get('/health/ready'),
    ]);
    for (const res of [...during, ...down]) {
      expect([200, 503]).toContain(res.status);
      if (res.status === 503) expectError(res, 503, 'API-ERROR-100503');
    }
    expect(down.map((r) => r.status)).toEqual([503, 503, 503]);
    expect((await gw.http.get('/health/live')).status).toBe(200);

    await proxy.start();
    let after = await m.api.post<TransactionResponse>(
      '/transaction/profile',
      debitBody(m.serviceId, profileId),
    );
    for (let i = 0; i < 20 && after.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await m.api.post<TransactionResponse>(
        '/transaction/profile',
        debitBody(m.serviceId, profileId),
      );
    }
    expect(after.status).toBe(200);
    expect(after.body.transaction.status).toBe('settled');
    expect((await gw.http.get('/health/ready')).status).toBe(200);
  });
});
