import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/admin/accounts.js';
import { systemClock } from '../../src/domain/clock.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/storage.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { freshPostgresDatabase, PG_URL } from '../support/databases.js';
import type { TestMerchant } from '../support/gateway.js';
import { Http } from '../support/http.js';
import { freePort, spawnCli, type Spawned } from '../support/process.js';
import {
  chargesFor,
  openSession,
  openWidget,
  payerWithSavedCard,
  savedClicksAtOnce,
  signedOrder,
  withSignatureOf,
} from '../widget/http-widget.js';

/** Issue 12, items 2 and 3: one widget order opened on two gateway processes sharing one PostgreSQL database. */
describe.skipIf(!PG_URL)('one widget order on two gateway processes (PostgreSQL)', () => {
  let drop: () => Promise<void>;
  let storage: Storage;
  const servers: Spawned[] = [];
  const urls: string[] = [];
  let merchant: TestMerchant;
  let dir: string;
  beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);
  beforeAll(async () => {
    const db = await freshPostgresDatabase();
    drop = db.drop;
    storage = await openStorage({ kind: 'postgres', url: db.url, poolSize: 4, statementTimeoutMs: 5000 });
    const accounts = new Accounts(storage, systemClock);
    const m = await accounts.createMerchant('Two instances, one widget order');
    const shop = await accounts.createShop(m.id, { pciEnabled: true });
    const { token } = await accounts.createToken(m.id);
    dir = mkdtempSync(join(tmpdir(), 'kartoteka-widget-multi-'));
    const env = {
      KARTOTEKA_DATABASE_URL: db.url,
      KARTOTEKA_BOOTSTRAP: 'off',
      KARTOTEKA_LOG_LEVEL: 'warn',
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
      urls.push(`http://127.0.0.1:${port}`);
    }
    merchant = {
      merchantId: m.id,
      serviceId: shop.id,
      serviceKey: shop.serviceKey,
      token,
      api: new Http(`${urls[0]}/v1/merchant/${m.id}`, { authorization: `Bearer ${token}` }),
    };
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
    await storage?.close();
    await drop?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('saved-card clicks on openings of one order on both instances at once charge the saved card once', async () => {
    const signed = signedOrder(merchant, { customerId: await payerWithSavedCard(merchant) });
    const attrs = withSignatureOf(merchant, signed);
    const openings = [];
    for (const baseUrl of [...urls, ...urls])
      openings.push({ baseUrl, session: await openSession(baseUrl, attrs) });
    const answers = await savedClicksAtOnce(openings, 16);
    for (const a of answers) expect([303, 409, 422]).toContain(a.status);
    const { transactions, charged } = await chargesFor(storage, signed.orderId!);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]).toMatchObject({ status: 'settled', source: 'web' });
    expect(charged).toHaveLength(1);
    // Reloading the shop page, whichever instance answers, says the order is paid.
    for (const baseUrl of urls) {
      const again = await openWidget(baseUrl, attrs);
      expect(again.status).toBe(409);
      expect(again.html).toContain('This order has already been paid');
    }
  });
});
