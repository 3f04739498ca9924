import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { SandboxLedger } from '../../src/acquirer/sandbox/ledger.js';
import { openSandboxLedger } from '../../src/acquirer/sandbox/open-ledger.js';
import { loadConfig } from '../../src/config/config.js';
import type { Clock } from '../../src/domain/clock.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { freshPostgresDatabase, type DbKind } from './databases.js';
import { Http } from './http.js';

export interface TestMerchant {
  merchantId: string;
  serviceId: string;
  serviceKey: string;
  token: string;
  /** Authenticated client rooted at /v1/merchant/{merchantId}. */
  api: Http;
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  dataDir: string;
  /** Everything the gateway logged, as written (JSON lines). */
  logs: string[];
  /** The sandbox acquirer's own book of what it did (the connector keeps it; tests read it). */
  ledger: SandboxLedger;
  /** Unauthenticated client rooted at the server. */
  http: Http;
  /** A merchant with one PCI-enabled shop. */
  merchant: TestMerchant;
  newMerchant(shop?: ShopSetup): Promise<TestMerchant>;
  close(): Promise<void>;
}

export interface ShopSetup {
  pci?: boolean;
  preauth?: boolean;
  notificationUrl?: string | null;
}

export interface StartOptions {
  db?: DbKind;
  env?: Record<string, string>;
  clock?: Clock;
  /** Reuse a data directory (restart tests); the caller removes it. */
  dataDir?: string;
  /** Reuse a PostgreSQL database URL (restart tests); the caller drops it. */
  databaseUrl?: string;
  shop?: ShopSetup;
  /** Start the background worker (off by default so tests drive it with `gateway.worker.tick()`). */
  worker?: boolean;
}

/**
 * Starts a real gateway on a free loopback port, on a fresh SQLite file (or a fresh PostgreSQL database),
 * exactly as `npm start` wires it, and provisions a merchant.
 */
export async function startGateway(options: StartOptions = {}): Promise<TestGateway> {
  const ownsDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kartoteka-test-'));
  let dropDb: (() => Promise<void>) | undefined;
  let databaseUrl = options.databaseUrl;
  if (options.db === 'postgres' && !databaseUrl) {
    const fresh = await freshPostgresDatabase();
    databaseUrl = fresh.url;
    dropDb = fresh.drop;
  }
  const config = loadConfig(
    {},
    {
      KARTOTEKA_DATA_DIR: dataDir,
      KARTOTEKA_PORT: '0',
      KARTOTEKA_LOG_LEVEL: 'info',
      KARTOTEKA_LOG_FILE: join(dataDir, 'kartoteka.log'),
      KARTOTEKA_BOOTSTRAP: 'off',
      KARTOTEKA_WORKER: options.worker ? 'on' : 'off',
      ...(databaseUrl ? { KARTOTEKA_DATABASE_URL: databaseUrl } : {}),
      ...options.env,
    },
  );
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const gateway = await createGateway(config, { clock: options.clock, logDestination: sink, quiet: true });
  const url = await gateway.listen();

  const newMerchant = async (shop: ShopSetup = {}): Promise<TestMerchant> => {
    const merchant = await gateway.accounts.createMerchant('Test merchant');
    const created = await gateway.accounts.createShop(merchant.id, {
      name: 'Test shop',
      pciEnabled: shop.pci ?? true,
      preauthEnabled: shop.preauth ?? false,
      notificationUrl: shop.notificationUrl ?? null,
    });
    const { token } = await gateway.accounts.createToken(merchant.id);
    return {
      merchantId: merchant.id,
      serviceId: created.id,
      serviceKey: created.serviceKey,
      token,
      api: new Http(`${url}/v1/merchant/${merchant.id}`, { authorization: `Bearer ${token}` }),
    };
  };

  const merchant = await newMerchant(options.shop);
  return {
    gateway,
    url,
    dataDir,
    logs,
    ledger: openSandboxLedger({
      db: gateway.storage.db,
      dialect: gateway.storage.dialect,
      fullSync: false,
    }),
    http: new Http(url),
    merchant,
    newMerchant,
    async close() {
      await gateway.close();
      if (dropDb) await dropDb();
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
