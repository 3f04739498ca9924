import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { Http } from '../support/http.js';
import { saleBody, uniqueCid } from '../support/payloads.js';
import { expectError, type WireProfile } from '../support/wire.js';
import { openSession, payWithNewCard, signedOrder, withSignatureOf } from '../widget/http-widget.js';

/**
 * imoje-api.md §1: "`cid` (payer id): ≤36 chars, `^[A-Za-z0-9\x2D]+$` on the API; the widget also allows `_`".
 * A payer the widget registered as `w_cid_1` exists, so every route that looks a cid up finds it; only a cid a
 * shop sends in an API body keeps the API's narrower set.
 */
for (const db of DB_KINDS) {
  describe(`a cid with _ (widget) can be looked up everywhere (${db})`, () => {
    let gw: TestGateway;
    let ext: Http;
    beforeAll(async () => {
      gw = await startGateway({ db });
      ext = new Http(`${gw.url}/kartoteka/v1/merchant/${gw.merchant.merchantId}`, {
        authorization: `Bearer ${gw.merchant.token}`,
      });
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('a widget registration under w_…_… is listed by GET /profile/cid/{cid} and the transaction list', async () => {
      const m = gw.merchant;
      const cid = `w_${uniqueCid().replaceAll('-', '_')}`;
      expect(cid.length).toBeLessThanOrEqual(36);
      const order = signedOrder(m, { customerId: cid });
      const session = await openSession(gw.url, withSignatureOf(m, order));
      const paid = await payWithNewCard(gw.url, session, '4111111111111111');
      expect(paid.status, paid.html).toBe(303);

      const listed = await m.api.get<{ paymentProfiles: WireProfile[] }>(`/profile/cid/${cid}`);
      expect(listed.status, listed.text).toBe(200);
      expect(listed.body.paymentProfiles).toHaveLength(1);
      expect(listed.body.paymentProfiles[0]).toMatchObject({ merchantCustomerId: cid, isActive: 1 });

      const none = await m.api.get<{ paymentProfiles: WireProfile[] }>('/profile/cid/w_nobody_here');
      expect(none.status, none.text).toBe(200);
      expect(none.body.paymentProfiles).toEqual([]);

      const page = await ext.get<{
        transactions: Array<{ cid: string | null; transaction: { orderId: string } }>;
      }>(`/transactions?cid=${cid}`);
      expect(page.status, page.text).toBe(200);
      expect(page.body.transactions.map((t) => [t.cid, t.transaction.orderId])).toEqual([
        [cid, order.orderId],
      ]);
    });

    it('what no cid can be is still 422, with the rule in words, on both lookups', async () => {
      const m = gw.merchant;
      for (const bad of ['a;b', 'x'.repeat(37)]) {
        const e = expectError(
          await m.api.get(`/profile/cid/${encodeURIComponent(bad)}`),
          422,
          'API-ERROR-100422',
          'cid',
        );
        if (bad === 'a;b') {
          expect(e.errors.find((x) => x.property === 'cid')?.message).toBe(
            'may contain only letters, digits, - and _',
          );
        }
        expectError(
          await ext.get(`/transactions?cid=${encodeURIComponent(bad)}`),
          422,
          'API-ERROR-100422',
          'cid',
        );
      }
    });

    it('a cid sent in an API body keeps the API rule: no _ (imoje refuses it there)', async () => {
      const m = gw.merchant;
      const body = saleBody(m.serviceId);
      (body.customer as Record<string, unknown>).cid = 'w_cid_1';
      const e = expectError(await m.api.post('/transaction', body), 422, 'API-ERROR-100422', 'customer.cid');
      expect(e.errors.find((x) => x.property === 'customer.cid')?.message).toBe(
        'may contain only letters, digits and -',
      );
    });
  });
}
