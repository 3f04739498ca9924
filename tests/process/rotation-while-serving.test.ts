import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/admin/accounts.js';
import { systemClock } from '../../src/domain/clock.js';
import { openStorage } from '../../src/storage/open.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { DB_KINDS, freshPostgresDatabase, type DbKind } from '../support/databases.js';
import { Http } from '../support/http.js';
import { debitBody, saleBody } from '../support/payloads.js';
import { freePort, runCli, spawnCli, type Spawned } from '../support/process.js';
import type { TransactionResponse } from '../support/wire.js';

/**
 * Issue 12.4: after `kartoteka keys rotate`, running instances answered stored-card debits with CODE_99
 * ("master key version 2 is not in the keyring") until restarted. Two real gateway processes on one PostgreSQL
 * database serve debits and registrations without pause while the real CLI rotates twice. On SQLite one
 * process serves: the project runs one gateway process per SQLite file (its start-up reconciles every
 * in-flight payment as a dead run's), so two processes on one file are not a supported deployment.
 */
beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

describe.each(DB_KINDS)('key rotation while serving (%s)', (db: DbKind) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  it('rotating while instances serve debits fails no payment, and new cards get the new version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kartoteka-rotate-live-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env: Record<string, string> = {
      KARTOTEKA_BOOTSTRAP: 'off',
      KARTOTEKA_LOG_LEVEL: 'warn',
      KARTOTEKA_RATE_LIMIT_PER_TOKEN: '0',
      KARTOTEKA_MASTER_KEY_FILE: join(dir, 'master.key'),
      KARTOTEKA_DATA_DIR: dir,
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
    const storage = await openStorage(config);
    cleanups.push(() => storage.close());
    const accounts = new Accounts(storage, systemClock);
    const merchant = await accounts.createMerchant('Rotation');
    const shop = await accounts.createShop(merchant.id, { pciEnabled: true });
    const { token } = await accounts.createToken(merchant.id);

    const apis: Http[] = [];
    const servers: Spawned[] = [];
    for (let i = 0; i < (db === 'postgres' ? 2 : 1); i++) {
      const port = await freePort();
      const instanceDir = join(dir, `instance-${i}`);
      mkdirSync(instanceDir);
      const server: Spawned = spawnCli(['serve'], {
        ...env,
        KARTOTEKA_PORT: String(port),
        // PostgreSQL instances keep their own data directories; the SQLite one is where the database is.
        ...(db === 'postgres' ? { KARTOTEKA_DATA_DIR: instanceDir } : {}),
      });
      servers.push(server);
      cleanups.push(async () => {
        server.child.kill('SIGTERM');
        await server.exited;
      });
      await server.waitFor(/listening on/, 30_000);
      apis.push(
        new Http(`http://127.0.0.1:${port}/v1/merchant/${merchant.id}`, { authorization: `Bearer ${token}` }),
      );
    }

    const register = async (api: Http): Promise<TransactionResponse> => {
      const r = await api.post<TransactionResponse>('/transaction', saleBody(shop.id));
      if (r.status !== 200 || r.body.transaction.status !== 'settled')
        throw new Error(`registration: ${r.text}`);
      return r.body;
    };
    const profiles: string[] = [];
    for (const api of apis)
      for (let i = 0; i < 3; i++) profiles.push((await register(api)).transaction.paymentProfile!.id);

    const failures: string[] = [];
    const done = apis.map(() => 0);
    let stop = false;
    const serve = async (api: Http, i: number, lane: number) => {
      for (let n = 0; !stop; n++) {
        if (lane === 0 && n % 4 === 3) {
          // Cards registered during the rotation must work too (they once stayed on the old version).
          const r = await api.post<TransactionResponse>('/transaction', saleBody(shop.id));
          if (r.status !== 200 || r.body.transaction.status !== 'settled')
            failures.push(`registration: ${r.text}`);
          else profiles.push(r.body.transaction.paymentProfile!.id);
        } else {
          const profile = profiles[(n + lane) % profiles.length]!;
          const r = await api.post<TransactionResponse>('/transaction/profile', debitBody(shop.id, profile));
          if (r.status !== 200 || r.body.transaction?.status !== 'settled') failures.push(`debit: ${r.text}`);
        }
        done[i]!++;
      }
    };
    const lanes = apis.flatMap((api, i) => [serve(api, i, 0), serve(api, i, 1)]);
    const progress = async (more: number) => {
      const target = done.map((d) => d + more);
      while (done.some((d, i) => d < target[i]!) && failures.length === 0)
        await new Promise((r) => setTimeout(r, 20));
    };

    try {
      await progress(10);
      for (const expected of [2, 3]) {
        const rotate = await runCli(['keys', 'rotate', ...(expected === 3 ? ['--retire-unused'] : [])], env);
        expect(rotate.code, rotate.output).toBe(0);
        expect(rotate.output).toContain(`master key version ${expected} is current`);
        // Every instance serves on under the new file before the next step.
        await progress(20);
      }
    } finally {
      stop = true;
      await Promise.all(lanes);
    }
    expect(failures, servers.map((s) => s.output()).join('\n')).toEqual([]);

    const keyFile = JSON.parse(readFileSync(join(dir, 'master.key'), 'utf8')) as {
      current: number;
      keys: Record<string, string>;
    };
    expect(keyFile.current).toBe(3);
    // Version 1 sealed nothing any more by the second rotation and was retired; 2 stays one rotation longer.
    expect(Object.keys(keyFile.keys).sort()).toEqual(['2', '3']);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);

    // Cards registered now, on every instance, use the new version without any restart.
    for (const api of apis) {
      const reg = await register(api);
      const row = await storage.db
        .selectFrom('transactions')
        .innerJoin('cards', 'cards.id', 'transactions.cardId')
        .select('cards.keyVersion')
        .where('transactions.id', '=', reg.transaction.id)
        .executeTakeFirstOrThrow();
      expect(row.keyVersion).toBe(3);
    }
    const versions = await storage.db.selectFrom('cards').select('keyVersion').distinct().execute();
    for (const v of versions) expect(Object.keys(keyFile.keys)).toContain(String(v.keyVersion));
  }, 180_000);
});
