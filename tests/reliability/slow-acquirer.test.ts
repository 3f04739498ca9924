import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcquirerCallError } from '../../src/acquirer/guarded-acquirer.js';
import { Secret } from '../../src/domain/secret.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { FUTURE_YEAR, saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

const SLOW_CARD = '4000000000003535';
const HANGING_CARD = '4000000000009995';

/**
 * Issue 12, item 1: "charged at the acquirer, recorded as failed". An acquirer call slower than the
 * Idempotency-Key lease let a retry take the key over, find no record at the acquirer *yet*, and store
 * `error`/`CODE_99` under the key while the first call went on to an approved charge. The timings are scaled
 * down: the lease is 1 s, a call is given up after 0.5 s, the acquirer may act on a request for 2.5 s, and
 * the slow card decides after 1.5 s.
 */
const ENV = {
  KARTOTEKA_IDEMPOTENCY_LEASE_MS: '1000',
  KARTOTEKA_ACQUIRER_TIMEOUT_MS: '500',
  KARTOTEKA_ACQUIRER_EXPIRY_MS: '2500',
  KARTOTEKA_SANDBOX_SLOW_MS: '1500',
  KARTOTEKA_RECOVERY_GRACE_MS: '100',
};

for (const db of DB_KINDS) {
  describe(`${db}: a slow acquirer`, () => {
    let gw: TestGateway;
    let preauth: TestGateway['merchant'];
    beforeAll(async () => {
      gw = await startGateway({ db, env: ENV });
      preauth = await gw.newMerchant({ preauth: true });
    });
    afterAll(async () => {
      await gw?.close();
    });

    async function ledger(reference: string) {
      return (await gw.ledger.list())
        .filter((e) => e.reference === reference)
        .map((e) => `${e.operation} ${e.outcome}`)
        .sort();
    }

    async function status(merchant: TestGateway['merchant'], id: string): Promise<string> {
      const res = await merchant.api.get<TransactionResponse>(`/transaction/${id}`);
      return res.body.transaction.status;
    }

    /** Runs the recovery chore until the transaction leaves `from` (bounded: the deadline is 2.5 s away). */
    async function recoverUntil(
      merchant: TestGateway['merchant'],
      id: string,
      from: string,
    ): Promise<string> {
      for (let i = 0; i < 100; i++) {
        await gw.gateway.worker.tick();
        const now = await status(merchant, id);
        if (now !== from) return now;
        await sleep(100);
      }
      return status(merchant, id);
    }

    async function storedKey(merchantId: string, key: string) {
      const row = await gw.gateway.storage.repos.idempotency.getKey(merchantId, key);
      return {
        state: row?.state,
        status: row?.responseBody
          ? (JSON.parse(row.responseBody) as TransactionResponse).transaction.status
          : undefined,
      };
    }

    it('a retry while the first call is still at the acquirer does not record the charged payment as failed', async () => {
      const key = `race-${db}`;
      const body = saleBody(gw.merchant.serviceId, {}, { number: SLOW_CARD });
      const first = gw.merchant.api.post<TransactionResponse>('/transaction', body, {
        'idempotency-key': key,
      });
      // After the lease (1 s) and before the slow acquirer decides (1.5 s).
      await sleep(1100);
      const retry = await gw.merchant.api.post<TransactionResponse>('/transaction', body, {
        'idempotency-key': key,
      });
      const answered = await first;
      expect(answered.status).toBe(200);
      expect(retry.status).toBe(200);
      for (const res of [answered, retry]) {
        expect(res.body.transaction.status).toBe('pending');
        expect(res.body.transaction.statusCode).not.toBe('CODE_99');
      }
      const id = answered.body.transaction.id;
      expect(retry.body.transaction.id).toBe(id);
      expect(await storedKey(gw.merchant.merchantId, key)).toMatchObject({ status: 'pending' });

      expect(await recoverUntil(gw.merchant, id, 'pending')).toBe('settled');
      expect(await ledger(id)).toEqual(['authorize approved']);
      const replay = await gw.merchant.api.post<TransactionResponse>('/transaction', body, {
        'idempotency-key': key,
      });
      expect(replay.body.transaction).toMatchObject({ id, status: 'settled', statusCode: 'CODE_000' });
      expect(await storedKey(gw.merchant.merchantId, key)).toEqual({ state: 'done', status: 'settled' });
    });

    it('the recovery chore after its grace period does not fail a payment the acquirer is still processing', async () => {
      const res = await gw.merchant.api.post<TransactionResponse>(
        '/transaction',
        saleBody(gw.merchant.serviceId, {}, { number: SLOW_CARD }),
      );
      expect(res.body.transaction.status).toBe('pending');
      const id = res.body.transaction.id;
      await sleep(300); // past the chore's grace period (100 ms), the acquirer still thinking
      await gw.gateway.worker.tick();
      expect(await status(gw.merchant, id)).toBe('pending');
      expect(await recoverUntil(gw.merchant, id, 'pending')).toBe('settled');
      expect(await ledger(id)).toEqual(['authorize approved']);
    });

    it('an answer that never comes: pending, settled by recovery, and the key then replays the outcome', async () => {
      const key = `hang-${db}`;
      const body = saleBody(gw.merchant.serviceId, {}, { number: HANGING_CARD });
      const res = await gw.merchant.api.post<TransactionResponse>('/transaction', body, {
        'idempotency-key': key,
      });
      expect(res.status).toBe(200);
      expect(res.body.transaction.status).toBe('pending');
      const id = res.body.transaction.id;
      expect(await recoverUntil(gw.merchant, id, 'pending')).toBe('settled');
      const replay = await gw.merchant.api.post<TransactionResponse>('/transaction', body, {
        'idempotency-key': key,
      });
      expect(replay.body.transaction).toMatchObject({ id, status: 'settled' });
      expect(await ledger(id)).toEqual(['authorize approved']);
    });

    it('a slow refund is not recorded as failed: pending, then settled, and its key replays that', async () => {
      const sale = await gw.merchant.api.post<TransactionResponse>(
        '/transaction',
        saleBody(gw.merchant.serviceId, {}, { number: SLOW_CARD }),
      );
      const saleId = sale.body.transaction.id;
      expect(await recoverUntil(gw.merchant, saleId, 'pending')).toBe('settled');

      const key = `refund-${db}`;
      const body = { type: 'refund', serviceId: gw.merchant.serviceId, amount: 500 };
      const path = `/transaction/${saleId}/refund`;
      const refund = await gw.merchant.api.post<TransactionResponse>(path, body, { 'idempotency-key': key });
      expect(refund.status).toBe(200);
      expect(refund.body.transaction.status).toBe('pending');
      const refundId = refund.body.transaction.id;
      const early = await gw.merchant.api.post<TransactionResponse>(path, body, { 'idempotency-key': key });
      expect(early.body.transaction).toMatchObject({ id: refundId, status: 'pending' });

      expect(await recoverUntil(gw.merchant, refundId, 'pending')).toBe('settled');
      const replay = await gw.merchant.api.post<TransactionResponse>(path, body, { 'idempotency-key': key });
      expect(replay.body.transaction).toMatchObject({ id: refundId, status: 'settled' });
      expect(await ledger(refundId)).toEqual(['refund approved']);
    });

    it('a slow capture is not recorded as never done: the key replays the capture once it happened', async () => {
      const sale = await preauth.api.post<TransactionResponse>(
        '/transaction',
        saleBody(preauth.serviceId, {}, { number: SLOW_CARD }),
      );
      const id = sale.body.transaction.id;
      expect(await recoverUntil(preauth, id, 'pending')).toBe('authorized');

      const key = `capture-${db}`;
      const path = `/transaction/${id}/capture`;
      const capture = await preauth.api.post<TransactionResponse>(path, {}, { 'idempotency-key': key });
      expect(capture.status).toBe(200);
      expect(capture.body.transaction.status).toBe('authorized'); // not known yet
      await sleep(300);
      await gw.gateway.worker.tick(); // past the grace period, before the deadline: the capture may still happen
      const early = await preauth.api.post<TransactionResponse>(path, {}, { 'idempotency-key': key });
      expect(early.body.transaction.status).toBe('authorized');

      expect(await recoverUntil(preauth, id, 'authorized')).toBe('settled');
      const replay = await preauth.api.post<TransactionResponse>(path, {}, { 'idempotency-key': key });
      expect([replay.status, replay.body.transaction.status]).toEqual([200, 'settled']);
      expect(await ledger(id)).toEqual(['authorize approved', 'capture approved']);
    });

    it('a request working longer than the lease keeps its key: a retry waits instead of taking over', async () => {
      const idempotency = gw.gateway.idempotency;
      const merchantId = gw.merchant.merchantId;
      let runs = 0;
      const slowHandler = async () => {
        runs++;
        await sleep(2500); // two and a half leases
        return { status: 200, body: '{"done":true}' };
      };
      const first = idempotency.run(merchantId, `lease-${db}`, 'h', slowHandler, async () => undefined);
      await sleep(1500);
      const second = await idempotency.run(
        merchantId,
        `lease-${db}`,
        'h',
        slowHandler,
        async () => undefined,
      );
      expect(runs).toBe(1);
      expect(second).toEqual({ status: 200, body: '{"done":true}', replayed: true });
      expect((await first).replayed).toBe(false);
    });

    it('the guard gives up on an acquirer call after its timeout, as a timeout', async () => {
      const err = await gw.gateway.acquirer
        .authorize({
          reference: `guard-${db}`,
          amount: 100,
          currency: 'PLN',
          card: {
            id: `card-${db}`,
            pan: new Secret(HANGING_CARD),
            brand: 'VISA',
            masked: '****9995',
            month: '12',
            year: FUTURE_YEAR,
            firstName: 'Jan',
            lastName: 'Kowalski',
          },
          initiator: 'CIT',
          storedCredential: 'none',
          capture: true,
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AcquirerCallError);
      expect((err as AcquirerCallError).kind).toBe('timeout');
      // It did reach the acquirer: without a deadline the hanging card records at once, then never answers.
      expect(await ledger(`guard-${db}`)).toEqual(['authorize approved']);
      expect(gw.logs.join('')).not.toContain(HANGING_CARD);
    });
  });
}

for (const db of DB_KINDS) {
  describe(`${db}: an acquirer slower than the request's deadline`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({
        db,
        env: { ...ENV, KARTOTEKA_ACQUIRER_EXPIRY_MS: '800', KARTOTEKA_SANDBOX_SLOW_MS: '1200' },
      });
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('an acquirer that decides after the deadline records nothing, and the payment ends as never charged', async () => {
      const res = await gw.merchant.api.post<TransactionResponse>(
        '/transaction',
        saleBody(gw.merchant.serviceId, {}, { number: SLOW_CARD }),
      );
      expect(res.body.transaction.status).toBe('pending');
      const id = res.body.transaction.id;
      await sleep(1500); // the slow acquirer has come back, past the deadline, and refused
      await gw.gateway.worker.tick();
      const after = await gw.merchant.api.get<TransactionResponse>(`/transaction/${id}`);
      expect(after.body.transaction).toMatchObject({ status: 'error', statusCode: 'CODE_99' });
      expect((await gw.ledger.list()).filter((e) => e.reference === id)).toEqual([]);
    });
  });
}
