import { existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/admin/accounts.js';
import { loadConfig } from '../../src/config/config.js';
import { systemClock } from '../../src/domain/clock.js';
import { createGateway } from '../../src/gateway.js';
import { openStorage } from '../../src/storage/open.js';
import { MasterKeyMissingError } from '../../src/vault/keyring.js';
import { DB_KINDS, freshPostgresDatabase, type DbKind } from '../support/databases.js';
import { startGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

/** Issue 12.8: shops' serviceKeys were stored in clear, and a refused start wrote a fresh key file anyway. */
describe.each(DB_KINDS)('the master key and shop secrets (%s)', (db: DbKind) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  async function place(): Promise<{ dataDir: string; databaseUrl?: string }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-master-key-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    if (db === 'sqlite') return { dataDir };
    const fresh = await freshPostgresDatabase();
    cleanups.push(() => fresh.drop());
    return { dataDir, databaseUrl: fresh.url };
  }

  const configFor = (p: { dataDir: string; databaseUrl?: string }) =>
    loadConfig(
      {},
      {
        KARTOTEKA_DATA_DIR: p.dataDir,
        KARTOTEKA_PORT: '0',
        KARTOTEKA_BOOTSTRAP: 'off',
        KARTOTEKA_WORKER: 'off',
        KARTOTEKA_LOG_FILE: '',
        ...(p.databaseUrl ? { KARTOTEKA_DATABASE_URL: p.databaseUrl } : {}),
      },
    );

  it('a shop’s serviceKey is stored sealed, not in clear, and still reads back for signing', async () => {
    const p = await place();
    const gw = await startGateway({ db, dataDir: p.dataDir, databaseUrl: p.databaseUrl });
    cleanups.push(() => gw.close());
    const row = await gw.gateway.storage.db
      .selectFrom('shops')
      .select(['serviceKey', 'serviceKeyVersion'])
      .where('id', '=', gw.merchant.serviceId)
      .executeTakeFirstOrThrow();
    expect(row.serviceKeyVersion).toBe(1);
    expect(row.serviceKey).not.toContain(gw.merchant.serviceKey);
    const shop = await gw.gateway.storage.repos.merchants.getShopById(gw.merchant.serviceId);
    expect(shop?.serviceKey).toBe(gw.merchant.serviceKey);
  });

  it('a serviceKey left in clear (written before the key existed, or by an older release) is sealed at start', async () => {
    const p = await place();
    const config = configFor(p);
    const setup = await openStorage(config.database);
    const accounts = new Accounts(setup, systemClock);
    const merchant = await accounts.createMerchant('Older release');
    const shop = await accounts.createShop(merchant.id);
    const before = await setup.db.selectFrom('shops').selectAll().executeTakeFirstOrThrow();
    expect([before.serviceKey, before.serviceKeyVersion]).toEqual([shop.serviceKey, null]);
    await setup.close();

    const gateway = await createGateway(config, { quiet: true });
    cleanups.push(() => gateway.close());
    const after = await gateway.storage.db.selectFrom('shops').selectAll().executeTakeFirstOrThrow();
    expect(after.serviceKeyVersion).toBe(1);
    expect(after.serviceKey).not.toContain(shop.serviceKey);
    expect((await gateway.storage.repos.merchants.getShopById(shop.id))?.serviceKey).toBe(shop.serviceKey);
  });

  it('a start refused because the master key file is missing writes no key file', async () => {
    const p = await place();
    const gw = await startGateway({ db, dataDir: p.dataDir, databaseUrl: p.databaseUrl });
    const reg = await gw.merchant.api.post<TransactionResponse>(
      '/transaction',
      saleBody(gw.merchant.serviceId),
    );
    expect(reg.body.transaction.status).toBe('settled');
    await gw.close();
    const keyFile = join(p.dataDir, 'master.key');
    unlinkSync(keyFile);

    await expect(createGateway(configFor(p), { quiet: true })).rejects.toThrow(MasterKeyMissingError);
    expect(existsSync(keyFile)).toBe(false);
  });
});
