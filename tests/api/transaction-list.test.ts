import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, PG_URL } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { Http } from '../support/http.js';
import { answerChallenge } from '../support/challenge.js';
import { debitBody, saleBody, uniqueCid } from '../support/payloads.js';

interface Listed {
  transaction: { id: string; status: string; orderId: string; amount: number; type: string; created: number };
  cid: string | null;
  card: { brand: string; maskedNumber: string } | null;
}
interface Page {
  transactions: Listed[];
  nextCursor: string | null;
}

/** Issue 18 item 2: the extension's list/search API, `GET /kartoteka/v1/merchant/{id}/transactions`. */
for (const db of DB_KINDS) {
  describe(`transactions list and search API (${db})`, () => {
    let gw: TestGateway;
    let ext: Http;
    const cid = uniqueCid();
    const ids: string[] = [];
    let profileId = '';
    let declinedId = '';
    let challengedId = '';

    beforeAll(async () => {
      gw = await startGateway({ db });
      const m = gw.merchant;
      ext = new Http(`${gw.url}/kartoteka/v1/merchant/${m.merchantId}`, {
        authorization: `Bearer ${m.token}`,
      });
      // A registration, three debits of its profile (different amounts), a declined card, a refund.
      const reg = await m.api.post<{ transaction: { id: string; paymentProfile: { id: string } } }>(
        '/transaction',
        saleBody(m.serviceId, { customer: { firstName: 'Jan', lastName: 'K', email: 'j@example.com', cid } }),
      );
      expect(reg.status).toBe(200);
      ids.push(reg.body.transaction.id);
      profileId = reg.body.transaction.paymentProfile.id;
      for (const amount of [500, 1500, 2500]) {
        const d = await m.api.post<{ transaction: { id: string } }>(
          '/transaction/profile',
          debitBody(m.serviceId, profileId, { amount }),
        );
        expect(d.status).toBe(200);
        ids.push(d.body.transaction.id);
      }
      const declined = await m.api.post<{ transaction: { id: string; status: string } }>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'ecom3ds' }, { number: '4444333322221111' }),
      );
      expect(declined.body.transaction.status).toBe('rejected');
      declinedId = declined.body.transaction.id;
      const challenged = await m.api.post<{ transaction: { id: string }; action: { url: string } }>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'ecom3ds' }, { number: '4012001037141112' }),
      );
      challengedId = challenged.body.transaction.id;
      await answerChallenge(challenged.body.action.url, 'pass');
      const refund = await m.api.post('/transaction/' + ids[1] + '/refund', {
        type: 'refund',
        serviceId: m.serviceId,
        amount: 200,
      });
      expect(refund.status).toBe(200);
    });
    afterAll(() => gw?.close());

    it('lists newest first with masked cards only, and refuses other merchants and bad tokens', async () => {
      const all = await ext.get<Page>('/transactions?limit=100');
      expect(all.status).toBe(200);
      expect(all.body.transactions).toHaveLength(7);
      const created = all.body.transactions.map((t) => t.transaction.created);
      expect([...created].sort((a, b) => b - a)).toEqual(created);
      expect(all.text).not.toContain('4111111111111111');
      expect(all.text).not.toContain('4444333322221111');
      const reg = all.body.transactions.find((t) => t.transaction.id === ids[0])!;
      expect(reg.card).toEqual({ brand: expect.any(String), maskedNumber: '****1111' });
      expect(reg.cid).toBe(cid);

      const other = await gw.newMerchant();
      const foreign = await new Http(`${gw.url}/kartoteka/v1/merchant/${gw.merchant.merchantId}`, {
        authorization: `Bearer ${other.token}`,
      }).get('/transactions');
      expect(foreign.status).toBe(401);
      const theirs = await new Http(`${gw.url}/kartoteka/v1/merchant/${other.merchantId}`, {
        authorization: `Bearer ${other.token}`,
      }).get<Page>('/transactions');
      expect(theirs.body.transactions).toEqual([]);
    });

    it('filters by status, type, orderId, cid, amount and date', async () => {
      const byStatus = await ext.get<Page>('/transactions?status=rejected');
      expect(byStatus.body.transactions.map((t) => t.transaction.id)).toEqual([declinedId]);
      const refunds = await ext.get<Page>('/transactions?type=refund');
      expect(refunds.body.transactions).toHaveLength(1);
      expect(refunds.body.transactions[0]!.transaction.amount).toBe(200);
      const all = await ext.get<Page>('/transactions?limit=100');
      const order = all.body.transactions.find((t) => t.transaction.id === ids[2])!.transaction.orderId;
      const byOrder = await ext.get<Page>(`/transactions?orderId=${encodeURIComponent(order)}`);
      expect(byOrder.body.transactions.map((t) => t.transaction.id)).toEqual([ids[2]]);
      const byCid = await ext.get<Page>(`/transactions?cid=${encodeURIComponent(cid)}&type=sale`);
      expect(byCid.body.transactions.map((t) => t.transaction.id).sort()).toEqual([...ids].sort());
      const byAmount = await ext.get<Page>('/transactions?amountMin=1000&amountMax=1600&type=sale');
      expect(byAmount.body.transactions.map((t) => t.transaction.id)).toEqual([ids[2]]);
      const now = Math.floor(Date.now() / 1000);
      const future = await ext.get<Page>(`/transactions?createdFrom=${now + 3600}`);
      expect(future.body.transactions).toEqual([]);
      const past = await ext.get<Page>(`/transactions?createdTo=${now - 3600}`);
      expect(past.body.transactions).toEqual([]);
      const today = await ext.get<Page>(
        `/transactions?createdFrom=${now - 3600}&createdTo=${now + 3600}&limit=100`,
      );
      expect(today.body.transactions).toHaveLength(7);
      expect(
        (await ext.get<Page>('/transactions?status=settled&limit=100')).body.transactions.map(
          (t) => t.transaction.id,
        ),
      ).toContain(challengedId);
    });

    it('pages with an opaque cursor: every row once, in order, however the page size', async () => {
      const all = (await ext.get<Page>('/transactions?limit=100')).body.transactions.map(
        (t) => t.transaction.id,
      );
      for (const size of [1, 2, 3]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res: { body: Page; status: number } = await ext.get<Page>(
            `/transactions?limit=${size}${cursor ? `&cursor=${cursor}` : ''}`,
          );
          expect(res.status).toBe(200);
          expect(res.body.transactions.length).toBeLessThanOrEqual(size);
          seen.push(...res.body.transactions.map((t) => t.transaction.id));
          cursor = res.body.nextCursor;
        } while (cursor);
        expect(seen).toEqual(all);
      }
    });

    it('refuses bad input with the error envelope', async () => {
      for (const q of ['limit=101', 'limit=0', 'status=paid', 'amountMin=-1', 'cursor=bm9wZQ', 'nope=1']) {
        const res = await ext.get<{ apiErrorResponse: { code: string } }>(`/transactions?${q}`);
        expect(res.status, q).toBe(422);
        expect(res.body.apiErrorResponse.code, q).toBe('API-ERROR-100422');
      }
    });

    it("a transaction's timeline: created, 3-D Secure, the acquirer's answer, refunds", async () => {
      const tl = await ext.get<{
        timeline: Array<{ kind: string; status: string | null; code: string | null; detail: string | null }>;
        card: unknown;
      }>(`/transactions/${challengedId}/timeline`);
      expect(tl.status).toBe(200);
      expect(tl.body.timeline.map((e) => e.kind)).toEqual([
        'created',
        'challenge',
        'challenge-answered',
        'status',
      ]);
      expect(tl.body.timeline[2]!.detail).toBe('passed');
      expect(tl.body.timeline[3]).toMatchObject({
        status: 'settled',
        code: 'CODE_000',
        detail: 'authorizing',
      });
      expect(tl.text).not.toContain('4012001037141112');
      const refunded = await ext.get<{ timeline: Array<{ kind: string }>; refunds: unknown[] }>(
        `/transactions/${ids[1]}/timeline`,
      );
      expect(refunded.body.refunds).toHaveLength(1);
      expect(refunded.body.timeline.map((e) => e.kind)).toEqual(['created', 'status', 'refund', 'status']);
      expect(
        (await ext.get(`/transactions/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/timeline`)).status,
      ).toBe(404);
    });
  });
}

describe.skipIf(!PG_URL)('the list query uses its indexes on PostgreSQL', () => {
  it('EXPLAIN of the main filter shows an index scan, not a sequential one', async () => {
    const gw = await startGateway({ db: 'postgres' });
    try {
      const url = (gw.gateway.config.database as { url: string }).url;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        // Enough rows that the planner would not pick a table scan for a small share of them.
        await client.query(`insert into transactions (id, merchant_id, service_id, type, status, stage, source, amount,
          currency, order_id, title, payment_method_code, initiator, created_at, modified_at, cid)
          select md5(g::text), 'm' || (g % 50), 's', 'sale', case when g % 7 = 0 then 'rejected' else 'settled' end, 'done', 'api',
          g % 5000, 'PLN', 'o' || g, 't', 'oneclick', 'CIT', g, g, 'c' || (g % 1000)
          from generate_series(1, 20000) g`);
        await client.query('analyze transactions');
        const plan = async (where: string) =>
          (
            await client.query<{ 'QUERY PLAN': string }>(
              `explain select * from transactions where ${where} order by created_at desc, id desc limit 26`,
            )
          ).rows
            .map((r) => r['QUERY PLAN'])
            .join('\n');
        for (const where of [
          `merchant_id = 'm7'`,
          `merchant_id = 'm7' and status = 'rejected'`,
          `merchant_id = 'm7' and order_id = 'o7'`,
          `merchant_id = 'm7' and cid = 'c7'`,
        ]) {
          const p = await plan(where);
          expect(p, where).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
          expect(p, where).not.toMatch(/Seq Scan/);
        }
      } finally {
        await client.end();
      }
    } finally {
      await gw.close();
    }
  });
});
