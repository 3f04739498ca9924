import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { startGateway } from '../support/gateway.js';
import { Http } from '../support/http.js';
import { debitBody, saleBody } from '../support/payloads.js';
import { runCli } from '../support/process.js';
import type { TransactionResponse } from '../support/wire.js';

beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

describe('kartoteka keys rotate', () => {
  it('adds a master key version, re-wraps every card, and stored cards keep working', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-rotate-'));
    try {
      const first = await startGateway({ dataDir });
      const m = first.merchant;
      const profiles: string[] = [];
      for (const number of ['4111111111111111', '5555555555554444']) {
        const reg = await m.api.post<TransactionResponse>(
          '/transaction',
          saleBody(m.serviceId, {}, { number }),
        );
        profiles.push(reg.body.transaction.paymentProfile!.id);
      }
      const before = await first.gateway.storage.db
        .selectFrom('cards')
        .select(['id', 'encryptedPan', 'keyVersion'])
        .execute();
      await first.close();

      const res = await runCli(['keys', 'rotate'], {
        KARTOTEKA_DATA_DIR: dataDir,
        KARTOTEKA_LOG_LEVEL: 'warn',
      });
      expect(res.code, res.output).toBe(0);
      expect(res.output).toContain('master key version 2 is current; 2 card(s) re-wrapped');
      const keyFile = JSON.parse(readFileSync(join(dataDir, 'master.key'), 'utf8')) as {
        current: number;
        keys: Record<string, string>;
      };
      expect(keyFile.current).toBe(2);
      expect(Object.keys(keyFile.keys).sort()).toEqual(['1', '2']);
      expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);

      const second = await startGateway({ dataDir });
      try {
        const after = await second.gateway.storage.db
          .selectFrom('cards')
          .select(['id', 'encryptedPan', 'keyVersion'])
          .execute();
        expect(after.map((c) => c.keyVersion)).toEqual([2, 2]);
        // Envelope encryption: only the data keys were re-wrapped, the card ciphertexts are untouched.
        expect(after.map((c) => c.encryptedPan).sort()).toEqual(before.map((c) => c.encryptedPan).sort());
        const api = new Http(`${second.url}/v1/merchant/${m.merchantId}`, {
          authorization: `Bearer ${m.token}`,
        });
        for (const id of profiles) {
          const debit = await api.post<TransactionResponse>(
            '/transaction/profile',
            debitBody(m.serviceId, id),
          );
          expect(debit.body.transaction.status).toBe('settled');
        }
        // New cards are sealed under the new version.
        const reg = await api.post<TransactionResponse>(
          '/transaction',
          saleBody(m.serviceId, {}, { number: '4012001037141112' }),
        );
        const newest = await second.gateway.storage.db
          .selectFrom('transactions')
          .innerJoin('cards', 'cards.id', 'transactions.cardId')
          .select('cards.keyVersion')
          .where('transactions.id', '=', reg.body.transaction.id)
          .executeTakeFirstOrThrow();
        expect(newest.keyVersion).toBe(2);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
