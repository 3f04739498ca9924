import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imojeConnector } from '../../src/acquirer/imoje/index.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/storage.js';
import { DB_KINDS, freshPostgresDatabase } from '../support/databases.js';
import { startImojeUpstream } from '../support/imoje-upstream.js';
import { describeConformance } from './conformance.js';

/**
 * The imoje connector, built as the composition root builds it, its book of requests on SQLite and
 * PostgreSQL, against instance A: a Kartoteka in sandbox mode, a faithful imoje sandbox, over loopback HTTP.
 * A's own test cards drive the behaviours (its slow card thinks for SLOW_MS; its hanging one answers only
 * when A's own guard gives up and looks it up).
 */
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
  const dir = mkdtempSync(join(tmpdir(), 'kartoteka-imoje-conformance-'));
  const storage = await openStorage({ kind: 'sqlite', path: join(dir, 'kartoteka.db'), synchronous: 'full' });
  return { storage, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

for (const db of DB_KINDS) {
  describeConformance(`imoje on ${db}, upstream a sandbox Kartoteka`, {
    cards: {
      approved: '4111111111111111',
      declined: '4444333322221111',
      slow: '4000000000003535',
      unanswering: '4000000000009995',
    },
    slowMs: SLOW_MS,
    lateAnswers: 'reported',
    // A's challenge page is a form: the payer's browser posts pass or fail to it (A then redirects it on).
    challenge: {
      card: '4012001037141112',
      async answer(url, pass) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `result=${pass ? 'pass' : 'fail'}`,
          redirect: 'manual',
        });
        if (res.status !== 303) throw new Error(`the challenge page answered ${res.status}`);
      },
    },
    async start() {
      const upstream = await startImojeUpstream(SLOW_MS);
      const { storage, drop } = await openFresh(db);
      const deps = {
        database: { db: storage.db, dialect: storage.dialect, fullSync: db === 'sqlite' },
        now: () => new Date(),
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
        publicUrl: () => 'http://127.0.0.1:1',
      };
      return {
        connect: () => imojeConnector.create(deps, upstream.config()),
        async close() {
          await storage.close();
          await drop();
          await upstream.close();
        },
      };
    },
  });
}
