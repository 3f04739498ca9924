import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpRequest, RefundRequest } from '../../src/acquirer/acquirer.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

/**
 * A refund or capture the acquirer did, whose answer reaches the request after another finaliser recorded the
 * same outcome — the recovery chore (a request slower than its grace period), an upstream notification (in
 * front of imoje it may come before the HTTP answer), a replay resuming it. The request's own finalisation then
 * lost the compare-and-set on the stage and its StageChangedError went out as a 500: a refund made answered as
 * a server fault, which a shop retrying without an Idempotency-Key made a second refund. A sale's request has
 * answered with what the other finaliser stored since issue 12; refunds and captures now do the same.
 *
 * The sandbox acquirer acts, then its answer is held 400 ms; the recovery chore (grace 0) finalises meanwhile.
 */
for (const db of DB_KINDS) {
  describe(`${db}: a refund or capture finalised by recovery while its request waits for the answer`, () => {
    let gw: TestGateway;
    let preauth: TestGateway['merchant'];
    beforeAll(async () => {
      gw = await startGateway({ db, env: { KARTOTEKA_RECOVERY_GRACE_MS: '0' } });
      preauth = await gw.newMerchant({ preauth: true });
    });
    afterAll(async () => {
      await gw?.close();
    });

    /** Replaces `operation` while `run` runs: the acquirer acts, its answer arrives after the chore ran. */
    async function answeredLate<T>(operation: 'refund' | 'capture', run: () => Promise<T>): Promise<T> {
      const acquirer = gw.gateway.acquirer;
      const real = acquirer[operation].bind(acquirer) as (
        r: RefundRequest & FollowUpRequest,
      ) => Promise<never>;
      let chore: Promise<unknown> | undefined;
      acquirer[operation] = async (request: RefundRequest & FollowUpRequest) => {
        const answer = await real(request);
        chore = gw.gateway.worker.tick();
        await chore;
        await sleep(400);
        return answer;
      };
      try {
        return await run();
      } finally {
        acquirer[operation] = real;
        await chore;
      }
    }

    it('a refund: 200 with the refund the chore recorded, not a 500', async () => {
      const m = gw.merchant;
      const sale = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
      const id = sale.body.transaction.id;
      const res = await answeredLate('refund', () =>
        m.api.post<TransactionResponse>(`/transaction/${id}/refund`, {
          type: 'refund',
          serviceId: m.serviceId,
          amount: 500,
        }),
      );
      expect(res.status, res.text).toBe(200);
      expect(res.body.transaction).toMatchObject({ type: 'refund', status: 'settled', amount: 500 });
      const refunds = (await gw.ledger.list()).filter(
        (e) => e.saleReference === id && e.operation === 'refund',
      );
      expect(refunds.map((e) => `${e.outcome} ${e.amount}`)).toEqual(['approved 500']);
    });

    it('a capture: 200 settled, not a 500', async () => {
      const held = await preauth.api.post<TransactionResponse>('/transaction', saleBody(preauth.serviceId));
      const id = held.body.transaction.id;
      const res = await answeredLate('capture', () =>
        preauth.api.post<TransactionResponse>(`/transaction/${id}/capture`, { amount: 700 }),
      );
      expect(res.status, res.text).toBe(200);
      expect(res.body.transaction).toMatchObject({ status: 'settled', amount: 700 });
    });
  });
}
