import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway, type TestMerchant } from '../support/gateway.js';
import { startImojeUpstream, type ImojeUpstream } from '../support/imoje-upstream.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';
import { UpstreamProxy } from './upstream-proxy.js';
import { upstreamOf } from './upstream.js';

/**
 * Kartoteka's partial capture (`{amount}`, docs/api.md) in front of imoje, whose capture takes no amount: it
 * settles the whole hold (imoje-api.md §3.5). The connector sent `POST …/capture` with `{}` whatever was asked,
 * so B settled and refunded 600 of a 1999 hold while upstream took 1999. A capture of less than the hold is now
 * refused before anything is sent (the hold stays whole, a full capture still works).
 */
for (const db of DB_KINDS) {
  describe(`Kartoteka in front of imoje: a partial capture (B on ${db})`, () => {
    let upstream: ImojeUpstream;
    let proxy: UpstreamProxy;
    let b: TestGateway;
    let m: TestMerchant;

    beforeAll(async () => {
      upstream = await startImojeUpstream();
      proxy = await UpstreamProxy.start(upstream.a.url);
      b = await startGateway({ db, env: upstream.env(proxy.url) });
      m = await b.newMerchant({ preauth: true });
    });
    afterAll(async () => {
      await b?.close();
      await proxy?.close();
      await upstream?.close();
    });

    it('B never records less captured than upstream took: a partial capture is refused, nothing sent', async () => {
      const held = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { profileType: 'FIRST' }),
      );
      expect(held.body.transaction).toMatchObject({ status: 'authorized', amount: 1999 });
      const id = held.body.transaction.id;
      const [up] = await upstreamOf(upstream.a, id);

      const partial = await m.api.post<TransactionResponse>(`/transaction/${id}/capture`, { amount: 600 });
      const upCaptures = async () =>
        (await upstream.a.ledger.list()).filter(
          (e) => e.reference === up!.row.id && e.operation === 'capture' && e.outcome === 'approved',
        );
      const taken = (await upCaptures()).map((e) => e.amount);
      const onB = await m.api.get<TransactionResponse>(`/transaction/${id}`);
      // Whatever B answers, it must be what upstream did.
      if (onB.body.transaction.status === 'settled') expect(taken).toEqual([onB.body.transaction.amount]);
      expect(partial.status, partial.text).toBe(400);
      expect(taken).toEqual([]);
      expect(proxy.received.filter((r) => r.path.endsWith(`/${up!.row.id}/capture`))).toHaveLength(0);
      expect(onB.body.transaction).toMatchObject({ status: 'authorized', amount: 1999 });

      // The hold is intact: the whole of it can still be captured, once.
      const full = await m.api.post<TransactionResponse>(`/transaction/${id}/capture`);
      expect(full.status, full.text).toBe(200);
      expect(full.body.transaction).toMatchObject({ status: 'settled', amount: 1999 });
      expect((await upCaptures()).map((e) => e.amount)).toEqual([1999]);
    });

    it('a capture of the whole hold given as an amount is a capture', async () => {
      const held = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { profileType: 'FIRST' }),
      );
      const id = held.body.transaction.id;
      const res = await m.api.post<TransactionResponse>(`/transaction/${id}/capture`, { amount: 1999 });
      expect(res.status, res.text).toBe(200);
      expect(res.body.transaction).toMatchObject({ status: 'settled', amount: 1999 });
    });
  });
}
