import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/storage.js';

describe('SQLite group commit', () => {
  let dir: string;
  let storage: Storage;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kartoteka-gc-'));
    storage = await openStorage({ kind: 'sqlite', path: join(dir, 'gc.db'), synchronous: 'full' });
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const merchant = (id: string) => ({ id, name: id, createdAt: 1 });

  it('concurrent transactions share commits, yet each commits or rolls back on its own', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        storage.transaction(async (repos) => {
          await repos.merchants.insertMerchant(merchant(`m${i}`));
          await repos.merchants.insertMerchant(merchant(`m${i}-second`));
          if (i % 3 === 0) throw new Error(`fail ${i}`);
          return i;
        }),
      ),
    );
    const ids = (await storage.repos.merchants.listMerchants()).map((m) => m.id);
    results.forEach((r, i) => {
      if (i % 3 === 0) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toEqual(new Error(`fail ${i}`));
        // Nothing of a failed transaction remains, not even its first write.
        expect(ids).not.toContain(`m${i}`);
      } else {
        expect(r).toEqual({ status: 'fulfilled', value: i });
        expect(ids).toContain(`m${i}`);
        expect(ids).toContain(`m${i}-second`);
      }
    });
  });

  it('a constraint violation in one transaction does not undo its neighbours', async () => {
    const [a, b, c] = await Promise.allSettled([
      storage.transaction((r) => r.merchants.insertMerchant(merchant('dup-a'))),
      storage.transaction((r) => r.merchants.insertMerchant(merchant('m1'))), // exists: primary key violation
      storage.transaction((r) => r.merchants.insertMerchant(merchant('dup-c'))),
    ]);
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect(c.status).toBe('fulfilled');
    const ids = (await storage.repos.merchants.listMerchants()).map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['dup-a', 'dup-c']));
  });

  it('what a transaction returned is durable: visible to a second connection once the promise resolves', async () => {
    await storage.transaction((r) => r.merchants.insertMerchant(merchant('durable')));
    const other = await openStorage({ kind: 'sqlite', path: join(dir, 'gc.db'), synchronous: 'full' }, false);
    try {
      expect(await other.repos.merchants.getMerchant('durable')).toBeDefined();
    } finally {
      await other.close();
    }
  });
});
