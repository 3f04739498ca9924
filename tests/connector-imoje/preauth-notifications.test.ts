import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectedSignatureHeader, Receiver } from '../notifications/receiver.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway, type TestMerchant } from '../support/gateway.js';
import { startImojeUpstream, type ImojeUpstream } from '../support/imoje-upstream.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';
import { upstreamOf } from './upstream.js';
import { UpstreamProxy } from './upstream-proxy.js';

/**
 * Issue 16 items 3–4, pre-authorisation end to end through A and B: a hold on B, then capture or void whose
 * answer from A is lost on the way back. B never sends it again; A's notification of the sale's new status
 * (verified with the pre-authorisation shop's upstream key) settles it on B, and B notifies the shop, signed
 * with B's own key for that shop.
 */
const TIMEOUT_MS = 1000;
const EXPIRY_MS = 1500;

for (const db of DB_KINDS) {
  describe(`Kartoteka in front of imoje: capture and void settled by A's notifications (B on ${db})`, () => {
    let upstream: ImojeUpstream;
    let proxy: UpstreamProxy;
    let b: TestGateway;
    let shop: Receiver;
    let m: TestMerchant;

    beforeAll(async () => {
      upstream = await startImojeUpstream();
      proxy = await UpstreamProxy.start(upstream.a.url);
      shop = await Receiver.start();
      b = await startGateway({
        db,
        env: {
          ...upstream.env(proxy.url),
          KARTOTEKA_ACQUIRER_TIMEOUT_MS: String(TIMEOUT_MS),
          KARTOTEKA_ACQUIRER_EXPIRY_MS: String(EXPIRY_MS),
          KARTOTEKA_RECOVERY_GRACE_MS: '0',
        },
      });
      m = await b.newMerchant({ preauth: true, notificationUrl: shop.url() });
    });
    afterAll(async () => {
      await b?.close();
      await proxy?.close();
      await shop?.close();
      await upstream?.close();
    });

    const bTransaction = async (id: string) =>
      (await m.api.get<TransactionResponse>(`/transaction/${id}`)).body.transaction;
    const deliver = async () => {
      await upstream.a.gateway.worker.tick();
      await b.gateway.worker.tick();
    };
    /** B's notifications to the shop about one transaction, each checked against B's key for the shop. */
    const toShop = (id: string) => {
      const mine = shop.received.filter((r) => JSON.parse(r.body.toString()).transaction?.id === id);
      for (const r of mine) {
        expect(r.headers['x-imoje-signature']).toBe(
          expectedSignatureHeader(r.body, m.merchantId, m.serviceId, m.serviceKey),
        );
      }
      return mine.map((r) => JSON.parse(r.body.toString()).transaction as { status: string });
    };
    const hold = async () => {
      const res = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { profileType: 'FIRST' }),
      );
      expect(res.body.transaction.status, res.text).toBe('authorized');
      return res.body.transaction.id;
    };

    for (const [operation, final] of [
      ['capture', 'settled'],
      ['void', 'cancelled'],
    ] as const) {
      it(`a ${operation} whose answer from A is lost: not sent again; A's notification makes it ${final} on B, and B notifies the shop, signed`, async () => {
        const id = await hold();
        await deliver();
        const [up] = await upstreamOf(upstream.a, id);
        proxy.applies = (method, path) => method === 'POST' && path.endsWith(`/${operation}`);
        proxy.mode = 'drop';
        const forwardedBefore = proxy.forwarded;
        let res;
        try {
          res = await m.api.post<TransactionResponse>(`/transaction/${id}/${operation}`);
        } finally {
          proxy.mode = 'pass';
          proxy.applies = (method, path) => method === 'POST' && /\/transaction$/.test(path);
        }
        expect(proxy.forwarded).toBe(forwardedBefore + 1);
        // A did it; B does not know yet: the hold is what B can still vouch for.
        expect((await upstreamOf(upstream.a, id))[0]!.row.status).toBe(final);
        expect(res.status, res.text).toBe(200);
        expect(res.body.transaction.status).toBe('authorized');

        // Recovery past the deadline can't tell either (never "not done": the request may have acted).
        await sleep(EXPIRY_MS + 100);
        await b.gateway.worker.tick();
        expect((await bTransaction(id)).status).toBe('authorized');
        const sent = proxy.received.filter((r) => r.path.endsWith(`/${up!.row.id}/${operation}`));
        expect(sent).toHaveLength(1);

        await deliver();
        expect(await bTransaction(id)).toMatchObject({ status: final });
        await vi.waitFor(() => {
          if (!toShop(id).some((t) => t.status === final)) throw new Error('not yet');
        });
        expect(toShop(id).map((t) => t.status)).toEqual(['authorized', final]);
        // Nothing more went to A for it.
        expect(proxy.received.filter((r) => r.path.endsWith(`/${up!.row.id}/${operation}`))).toHaveLength(1);
      });
    }

    it('a capture answered normally: A’s notification of it changes nothing on B, and the shop hears once', async () => {
      const id = await hold();
      const captured = await m.api.post<TransactionResponse>(`/transaction/${id}/capture`);
      expect(captured.body.transaction.status).toBe('settled');
      await deliver();
      await deliver();
      await vi.waitFor(() => {
        if (toShop(id).length < 2) throw new Error('not yet');
      });
      expect(toShop(id).map((t) => t.status)).toEqual(['authorized', 'settled']);
    });
  });
}
