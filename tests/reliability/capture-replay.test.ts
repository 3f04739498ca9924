import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpRequest } from '../../src/acquirer/acquirer.js';
import { AcquirerCallError } from '../../src/acquirer/guarded-acquirer.js';
import { DB_KINDS, freshPostgresDatabase, PG_URL } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { Http } from '../support/http.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

/**
 * A capture whose first answer under its Idempotency-Key was provisional (the acquirer didn't answer; the hold
 * `authorized`, stored `unsettled`), and whose acquirer then turned out never to have done it: a replay of the
 * key does the capture now (resumePreauthorization). Two holes there:
 *
 * 1. Two replays at once (two instances, a client retrying twice) both resumed it; one claimed the hold and
 *    captured, the other lost the claim at once and stored its 400 "only an authorized one can be captured"
 *    as the key's final answer first — so the key answered 400 for a capture it made.
 * 2. A replay whose own capture went unanswered stored its provisional `authorized` as the key's final (`done`)
 *    answer, which it kept after the acquirer captured.
 *
 * The acquirer is the sandbox, its capture replaced for a moment (timing out without acting, or acting late).
 */
const ENV = {
  KARTOTEKA_ACQUIRER_TIMEOUT_MS: '500',
  KARTOTEKA_ACQUIRER_EXPIRY_MS: '800',
  KARTOTEKA_RECOVERY_GRACE_MS: '0',
};

for (const db of DB_KINDS) {
  describe(`${db}: a capture resumed by replays of its Idempotency-Key`, () => {
    let gw: TestGateway;
    let m: TestGateway['merchant'];
    beforeAll(async () => {
      gw = await startGateway({ db, env: ENV });
      m = await gw.newMerchant({ preauth: true });
    });
    afterAll(async () => {
      await gw?.close();
    });

    const captures = async (id: string) =>
      (await gw.ledger.list()).filter((e) => e.reference === id && e.operation === 'capture');
    const stored = async (key: string) => {
      const row = await gw.gateway.storage.repos.idempotency.getKey(m.merchantId, key);
      const body = row?.responseBody ? (JSON.parse(row.responseBody) as TransactionResponse) : undefined;
      return { state: row?.state, http: row?.responseStatus, status: body?.transaction?.status };
    };
    const capture = (id: string, key: string) =>
      m.api.post<TransactionResponse>(`/transaction/${id}/capture`, {}, { 'idempotency-key': key });

    /** A hold whose capture under `key` was answered provisionally and then found never done. */
    async function captureNeverDone(key: string): Promise<string> {
      const held = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
      expect(held.body.transaction.status, held.text).toBe('authorized');
      const id = held.body.transaction.id;
      const acquirer = gw.gateway.acquirer;
      const real = acquirer.capture.bind(acquirer);
      acquirer.capture = async () => {
        throw new AcquirerCallError('timeout', 'capture', 0);
      };
      try {
        const first = await capture(id, key);
        expect([first.status, first.body.transaction.status]).toEqual([200, 'authorized']);
      } finally {
        acquirer.capture = real;
      }
      expect(await stored(key)).toMatchObject({ state: 'unsettled' });
      // Past the request's deadline with no record at the acquirer: recovery gives the hold back.
      await sleep(900);
      await gw.gateway.worker.tick();
      const t = await gw.gateway.storage.repos.transactions.getTransaction(m.merchantId, id);
      expect([t?.status, t?.stage]).toEqual(['authorized', 'done']);
      expect(await captures(id)).toEqual([]);
      return id;
    }

    it('two replays at once: one capture, and neither the answers nor the key say it was refused', async () => {
      const key = `replays-${db}`;
      const id = await captureNeverDone(key);
      const acquirer = gw.gateway.acquirer;
      const real = acquirer.capture.bind(acquirer);
      // The acquirer takes a moment: the loser of the claim answers while the winner is still there.
      acquirer.capture = async (request: FollowUpRequest) => {
        await sleep(300);
        return real(request);
      };
      let answers;
      try {
        answers = await Promise.all([capture(id, key), capture(id, key)]);
      } finally {
        acquirer.capture = real;
      }
      expect((await captures(id)).map((e) => e.outcome)).toEqual(['approved']);
      for (const res of answers) {
        expect(res.status, res.text).toBe(200);
        expect(['authorized', 'settled']).toContain(res.body.transaction.status);
      }
      expect(answers.map((r) => r.body.transaction.status)).toContain('settled');
      expect(await stored(key)).toEqual({ state: 'done', http: 200, status: 'settled' });
      const replay = await capture(id, key);
      expect([replay.status, replay.body.transaction.status]).toEqual([200, 'settled']);
    });

    it('a replay whose own capture goes unanswered keeps the key provisional, then answers the capture', async () => {
      const key = `unanswered-replay-${db}`;
      const id = await captureNeverDone(key);
      const acquirer = gw.gateway.acquirer;
      const real = acquirer.capture.bind(acquirer);
      let late: Promise<unknown> | undefined;
      acquirer.capture = async (request: FollowUpRequest) => {
        late = sleep(200).then(() => real(request));
        throw new AcquirerCallError('timeout', 'capture', 0);
      };
      let replay;
      try {
        replay = await capture(id, key);
      } finally {
        acquirer.capture = real;
      }
      expect([replay.status, replay.body.transaction.status]).toEqual([200, 'authorized']);
      await late;
      expect((await captures(id)).map((e) => e.outcome)).toEqual(['approved']);
      expect(await stored(key)).toMatchObject({ state: 'unsettled' });

      await gw.gateway.worker.tick(); // recovery reads the acquirer's capture
      const after = await capture(id, key);
      expect([after.status, after.body.transaction.status]).toEqual([200, 'settled']);
      expect(await stored(key)).toEqual({ state: 'done', http: 200, status: 'settled' });
      expect(await captures(id)).toHaveLength(1);
    });
  });
}

describe.skipIf(!PG_URL)('postgres: a capture resumed by replays on two instances at once', () => {
  let one: TestGateway;
  let two: TestGateway;
  let m: TestGateway['merchant'];
  let drop: (() => Promise<void>) | undefined;
  let dataDir: string;
  beforeAll(async () => {
    const fresh = await freshPostgresDatabase();
    drop = fresh.drop;
    // One database and one data directory (the master key), two instances.
    dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-replays-'));
    const shared = { db: 'postgres' as const, env: ENV, databaseUrl: fresh.url, dataDir };
    one = await startGateway(shared);
    two = await startGateway(shared);
    m = await one.newMerchant({ preauth: true });
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('one capture; neither instance answers or stores that it was refused', async () => {
    const onOne = m.api;
    const onTwo = new Http(`${two.url}/v1/merchant/${m.merchantId}`, { authorization: `Bearer ${m.token}` });
    const key = 'two-instances';
    const held = await onOne.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
    const id = held.body.transaction.id;
    const path = `/transaction/${id}/capture`;
    const real = new Map<TestGateway, TestGateway['gateway']['acquirer']['capture']>();
    for (const gw of [one, two]) {
      const acquirer = gw.gateway.acquirer;
      real.set(gw, acquirer.capture.bind(acquirer));
      acquirer.capture = async () => {
        throw new AcquirerCallError('timeout', 'capture', 0);
      };
    }
    const first = await onOne.post<TransactionResponse>(path, {}, { 'idempotency-key': key });
    expect([first.status, first.body.transaction.status]).toEqual([200, 'authorized']);
    await sleep(900);
    await one.gateway.worker.tick(); // past the deadline, nothing at the acquirer: the hold is given back
    for (const gw of [one, two]) {
      gw.gateway.acquirer.capture = async (request: FollowUpRequest) => {
        await sleep(300);
        return real.get(gw)!(request);
      };
    }
    let answers;
    try {
      answers = await Promise.all([
        onOne.post<TransactionResponse>(path, {}, { 'idempotency-key': key }),
        onTwo.post<TransactionResponse>(path, {}, { 'idempotency-key': key }),
      ]);
    } finally {
      for (const gw of [one, two]) gw.gateway.acquirer.capture = real.get(gw)!;
    }
    const ledger = (await one.ledger.list()).filter((e) => e.reference === id && e.operation === 'capture');
    expect(ledger.map((e) => e.outcome)).toEqual(['approved']);
    for (const res of answers) {
      expect(res.status, res.text).toBe(200);
      expect(['authorized', 'settled']).toContain(res.body.transaction.status);
    }
    const row = await one.gateway.storage.repos.idempotency.getKey(m.merchantId, key);
    expect([row?.state, row?.responseStatus]).toEqual(['done', 200]);
    const replay = await onTwo.post<TransactionResponse>(path, {}, { 'idempotency-key': key });
    expect([replay.status, replay.body.transaction.status]).toEqual([200, 'settled']);
  });
});
