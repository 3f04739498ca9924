import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxConnector } from '../../src/acquirer/sandbox/index.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/storage.js';
import { DB_KINDS, freshPostgresDatabase } from '../support/databases.js';
import { describeConformance } from './conformance.js';

/** The sandbox connector, built the way the composition root builds it, its ledger on SQLite and PostgreSQL. */
const SLOW_MS = 1000;

async function openFresh(
  db: (typeof DB_KINDS)[number],
): Promise<{ storage: Storage; drop(): Promise<void> }> {
  if (db === 'postgres') {
    const fresh = await freshPostgresDatabase();
    const storage = await openStorage({
      kind: 'postgres',
      url: fresh.url,
      poolSize: 5,
      statementTimeoutMs: 5000,
    });
    return { storage, drop: fresh.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'kartoteka-conformance-'));
  const storage = await openStorage({ kind: 'sqlite', path: join(dir, 'kartoteka.db'), synchronous: 'full' });
  return { storage, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

for (const db of DB_KINDS) {
  describeConformance(`sandbox on ${db}`, {
    cards: {
      approved: '4111111111111111',
      declined: '4444333322221111',
      slow: '4000000000003535',
      unanswering: '4000000000009995',
    },
    slowMs: SLOW_MS,
    lateAnswers: 'refused',
    async start() {
      const { storage, drop } = await openFresh(db);
      const deps = {
        database: { db: storage.db, dialect: storage.dialect, fullSync: db === 'sqlite' },
        now: () => new Date(),
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
        publicUrl: () => 'http://127.0.0.1:1',
      };
      return {
        connect: () => sandboxConnector.create(deps, { slowMs: SLOW_MS }),
        async close() {
          await storage.close();
          await drop();
        },
      };
    },
  });
}
