import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectedSignatureHeader, Receiver } from '../notifications/receiver.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { startImojeUpstream, type ImojeUpstream } from '../support/imoje-upstream.js';
import { saleBody } from '../support/payloads.js';
import { freePort } from '../support/process.js';
import { expectError, type TransactionResponse } from '../support/wire.js';
import { approvedCharges, upstreamOf } from './upstream.js';
import { UpstreamProxy } from './upstream-proxy.js';

/**
 * Issue 16 items 4–6: imoje has no idempotency keys, so an answer B never got is never asked again; it is
 * settled by A's notification (verified with the upstream serviceKey) or by reading the upstream transaction,
 * and until then the payment is `pending`. Upstream refusing connections is a 503 (nothing was sent).
 */
const TIMEOUT_MS = 1000;
const EXPIRY_MS = 1500;

for (const db of DB_KINDS) {
  describe(`Kartoteka in front of imoje: lost answers, upstream notifications, upstream down (B on ${db})`, () => {
    let upstream: ImojeUpstream;
    let proxy: UpstreamProxy;
    let b: TestGateway;
    let shop: Receiver;

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
        shop: { notificationUrl: shop.url() },
      });
    });
    afterAll(async () => {
      await b?.close();
      await proxy?.close();
      await shop?.close();
      await upstream?.close();
    });

    const pay = (number = '4111111111111111') =>
      b.merchant.api.post<TransactionResponse>(
        '/transaction',
        saleBody(b.merchant.serviceId, { profileType: 'FIRST' }, { number }),
      );
    const bTransaction = async (id: string) =>
      (await b.merchant.api.get<TransactionResponse>(`/transaction/${id}`)).body.transaction;
    /** A delivers what it has queued (its worker), B then notifies the shop (its worker). */
    const deliver = async () => {
      await upstream.a.gateway.worker.tick();
      await b.gateway.worker.tick();
    };
    const aNotificationsTo = async (bId: string) => {
      const [up] = await upstreamOf(upstream.a, bId);
      return upstream.a.gateway.storage.db
        .selectFrom('notifications')
        .selectAll()
        .where('transactionId', '=', up!.row.id)
        .execute();
    };

    it('an answer lost after upstream charged: B answers pending, never asks again, and A’s notification settles it', async () => {
      proxy.mode = 'drop';
      const chargesBefore = (await approvedCharges(upstream.a)).length;
      const res = await pay();
      proxy.mode = 'pass';
      expect(res.status, res.text).toBe(200);
      expect(res.body.transaction.status).toBe('pending');
      const id = res.body.transaction.id;
      // Recovery asks the connector, which can't tell yet: still pending, even past the deadline, never "error".
      await sleep(EXPIRY_MS + 100);
      await b.gateway.worker.tick();
      expect((await bTransaction(id)).status).toBe('pending');
      expect(await approvedCharges(upstream.a)).toHaveLength(chargesBefore + 1);

      await deliver();
      const settled = await bTransaction(id);
      const [up] = await upstreamOf(upstream.a, id);
      expect(settled).toMatchObject({ status: 'settled', statusCode: 'CODE_000' });
      expect(settled.firstTransactionId).toBe(up!.row.networkTxnId);
      expect(await approvedCharges(upstream.a)).toHaveLength(chargesBefore + 1);

      // The shop's own notification comes from B, signed with B's shop key.
      await vi.waitFor(() => {
        if (!shop.received.some((r) => r.body.toString().includes(id))) throw new Error('not yet');
      });
      const toShop = shop.received.find((r) => r.body.toString().includes(id))!;
      expect(toShop.headers['x-imoje-signature']).toBe(
        expectedSignatureHeader(
          toShop.body,
          b.merchant.merchantId,
          b.merchant.serviceId,
          b.merchant.serviceKey,
        ),
      );
      expect(JSON.parse(toShop.body.toString()).transaction).toMatchObject({ id, status: 'settled' });
    });

    it('a repeated upstream notification changes nothing; one with a bad signature is refused (401)', async () => {
      proxy.mode = 'drop';
      const res = await pay('4444333322221111');
      proxy.mode = 'pass';
      const id = res.body.transaction.id;
      expect(res.body.transaction.status).toBe('pending');
      await deliver();
      expect(await bTransaction(id)).toMatchObject({ status: 'rejected', statusCode: 'CODE_05' });
      const [sent] = await aNotificationsTo(id);
      expect(sent).toBeDefined();
      const body = Buffer.from(sent!.body, 'utf8');
      const signature = expectedSignatureHeader(
        body,
        upstream.a.merchant.merchantId,
        upstream.a.merchant.serviceId,
        upstream.a.merchant.serviceKey,
      );
      const url = `${b.url}/kartoteka/imoje/notify`;
      const post = (sig: string, bytes: Buffer = body) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-imoje-signature': sig },
          body: new Uint8Array(bytes),
        });
      const shopBefore = shop.received.length;
      expect((await post(signature)).status).toBe(200);
      const forged = Buffer.from(body.toString().replace('"rejected"', '"settled"'));
      const refused = await post(signature, forged);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { apiErrorResponse: { code: string } }).apiErrorResponse.code).toBe(
        'NTF-ERROR-170401',
      );
      expect(
        (await post(signature.replace(/signature=[0-9a-f]+/, `signature=${'0'.repeat(64)}`))).status,
      ).toBe(401);
      await b.gateway.worker.tick();
      expect(await bTransaction(id)).toMatchObject({ status: 'rejected', statusCode: 'CODE_05' });
      expect(shop.received.length).toBe(shopBefore);
    });

    it('a slow upstream: B answers pending; the answer, when it comes, is recorded and the payment settles', async () => {
      proxy.mode = 'hold';
      const chargesBefore = (await approvedCharges(upstream.a)).length;
      const res = await pay();
      expect(res.body.transaction.status).toBe('pending');
      proxy.mode = 'pass';
      proxy.release();
      await vi.waitFor(
        async () => {
          await b.gateway.worker.tick();
          if ((await bTransaction(res.body.transaction.id)).status === 'pending') throw new Error('not yet');
        },
        { timeout: 10_000, interval: 100 },
      );
      expect((await bTransaction(res.body.transaction.id)).status).toBe('settled');
      expect(await approvedCharges(upstream.a)).toHaveLength(chargesBefore + 1);
    });

    it('a refund whose answer was lost is not sent again; A’s refund notification settles it', async () => {
      const sale = await pay();
      expect(sale.body.transaction.status).toBe('settled');
      const saleId = sale.body.transaction.id;
      proxy.applies = (method, path) => method === 'POST' && path.endsWith('/refund');
      proxy.mode = 'drop';
      const res = await b.merchant.api.post<TransactionResponse>(`/transaction/${saleId}/refund`, {
        type: 'refund',
        serviceId: b.merchant.serviceId,
        amount: 700,
      });
      proxy.mode = 'pass';
      proxy.applies = (method, path) => method === 'POST' && /\/transaction$/.test(path);
      expect(res.status, res.text).toBe(200);
      expect(res.body.transaction).toMatchObject({ type: 'refund', status: 'pending' });
      await sleep(EXPIRY_MS + 100);
      await b.gateway.worker.tick();
      expect((await bTransaction(res.body.transaction.id)).status).toBe('pending');
      await deliver();
      expect((await bTransaction(res.body.transaction.id)).status).toBe('settled');
      const [up] = await upstreamOf(upstream.a, saleId);
      const refunds = (await upstream.a.ledger.list()).filter(
        (e) => e.operation === 'refund' && e.saleReference === up!.row.id,
      );
      expect(refunds).toHaveLength(1);
      expect(refunds[0]).toMatchObject({ amount: 700, outcome: 'approved' });
    });

    for (const status of ['500', '503'] as const) {
      it(`upstream answering ${status}: B answers pending, sends nothing again, and never calls it "never done"`, async () => {
        proxy.mode = status;
        const chargesBefore = (await approvedCharges(upstream.a)).length;
        const res = await pay();
        proxy.mode = 'pass';
        expect(res.status, res.text).toBe(200);
        expect(res.body.transaction.status).toBe('pending');
        await sleep(EXPIRY_MS + 100);
        await b.gateway.worker.tick();
        await b.gateway.worker.tick();
        expect((await bTransaction(res.body.transaction.id)).status).toBe('pending');
        expect(await approvedCharges(upstream.a)).toHaveLength(chargesBefore);
      });
    }
  });

  describe(`Kartoteka in front of imoje: upstream refusing connections (B on ${db})`, () => {
    let upstream: ImojeUpstream;
    let b: TestGateway;

    beforeAll(async () => {
      upstream = await startImojeUpstream();
      // Nothing listens there: every connection is refused.
      b = await startGateway({ db, env: upstream.env(`http://127.0.0.1:${await freePort()}`) });
    });
    afterAll(async () => {
      await b?.close();
      await upstream?.close();
    });

    it('is a 503 with the envelope, never a 500, and nothing reaches upstream', async () => {
      const res = await b.merchant.api.post(
        '/transaction',
        saleBody(b.merchant.serviceId, { profileType: 'FIRST' }),
      );
      expectError(res, 503, 'TRX-ERROR-190503');
      expect(await upstream.a.ledger.list()).toHaveLength(0);
    });
  });
}
