import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/acquirer/sandbox/ledger.js';
import { openStorage } from '../../src/storage/open.js';
import { SandboxLedgerStore } from '../../src/acquirer/sandbox/sandbox-ledger-store.js';
import { freshPostgresDatabase, PG_URL } from '../support/databases.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function entry(reference: string, operation: LedgerEntry['operation'], amount = 100): LedgerEntry {
  return {
    reference,
    operation,
    saleReference: operation === 'authorize' ? null : reference,
    amount,
    currency: 'PLN',
    maskedPan: '411111******1111',
    initiator: null,
    storedCredential: null,
    quotedNetworkTxnId: null,
    threeDs: null,
    captured: false,
    outcome: 'approved',
    code: 'CODE_000',
    networkTxnId: operation === 'authorize' ? '123456789012345' : null,
    merchantAdvice: null,
    createdAt: 1,
  };
}

describe('sandbox ledger on SQLite with synchronous=FULL (lazy ledger commits)', () => {
  it('writes with NORMAL and gives the connection back with FULL; the first entry of a reference stands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kartoteka-ledger-'));
    dirs.push(dir);
    const storage = await openStorage({
      kind: 'sqlite',
      path: join(dir, 'kartoteka.db'),
      synchronous: 'full',
    });
    try {
      const synchronous = async () =>
        (await sql<{ synchronous: number }>`pragma synchronous`.execute(storage.db)).rows[0]?.synchronous;
      expect(await synchronous()).toBe(2);
      const ledger = new SandboxLedgerStore(storage.db, storage.dialect, true);

      const first = await ledger.record(entry('t1', 'authorize', 100));
      expect(first.amount).toBe(100);
      expect(await synchronous()).toBe(2);
      // The same reference again: nothing new is charged, the first entry is returned.
      const again = await ledger.record({ ...entry('t1', 'authorize', 999), networkTxnId: '999' });
      expect(again).toEqual(first);
      expect(await synchronous()).toBe(2);

      await ledger.record({ ...entry('t2', 'authorize', 500), captured: false });
      await ledger.record(entry('t2', 'capture', 500));
      expect((await ledger.find('t2', 'authorize'))?.captured).toBe(true);
      expect(
        (await ledger.recordRefund({ ...entry('r1', 'refund', 400), saleReference: 't2' }, 500)).outcome,
      ).toBe('approved');
      expect(
        (await ledger.recordRefund({ ...entry('r2', 'refund', 200), saleReference: 't2' }, 500)).outcome,
      ).toBe('declined');
      expect(await synchronous()).toBe(2);

      // A failing write still puts FULL back.
      await expect(
        ledger.record({ ...entry('t3', 'authorize'), amount: null as unknown as number }),
      ).rejects.toThrow();
      expect(await synchronous()).toBe(2);
      expect((await ledger.list()).map((e) => `${e.reference}/${e.operation}`).sort()).toEqual([
        'r1/refund',
        'r2/refund',
        't1/authorize',
        't2/authorize',
        't2/capture',
      ]);
    } finally {
      await storage.close();
    }
  });
});

describe.skipIf(!PG_URL)('sandbox ledger on PostgreSQL (asynchronous ledger commits)', () => {
  it('commits each entry by itself, leaves the session synchronous, and the first entry of a reference stands', async () => {
    const database = await freshPostgresDatabase();
    // One connection, so the setting read afterwards is the one the ledger's statements ran on.
    const storage = await openStorage({
      kind: 'postgres',
      url: database.url,
      poolSize: 1,
      statementTimeoutMs: 5000,
    });
    try {
      const setting = async () =>
        (await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(storage.db)).rows[0]
          ?.synchronous_commit;
      const before = await setting();
      const ledger = new SandboxLedgerStore(storage.db, storage.dialect);
      const first = await ledger.record(entry('p1', 'authorize', 100));
      expect(first.amount).toBe(100);
      // The asynchronous commit was local to the INSERT's own transaction.
      expect(await setting()).toBe(before);
      const again = await ledger.record({ ...entry('p1', 'authorize', 999), networkTxnId: '999' });
      expect(again).toEqual(first);
      expect(await ledger.find('p1', 'authorize')).toEqual(first);
      await expect(
        ledger.record({ ...entry('p2', 'authorize'), amount: null as unknown as number }),
      ).rejects.toThrow();
      expect(await setting()).toBe(before);
      expect((await ledger.list()).map((e) => `${e.reference}/${e.operation}`)).toEqual(['p1/authorize']);
    } finally {
      await storage.close();
      await database.drop();
    }
  });
});
