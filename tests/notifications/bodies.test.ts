import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway, type TestMerchant } from '../support/gateway.js';
import { debitBody, saleBody } from '../support/payloads.js';
import { expectedSignatureHeader, Receiver, type Received } from './receiver.js';

type Json = Record<string, unknown>;
interface TxResponse {
  transaction: Json & { id: string; status: string; paymentProfile?: Json & { id: string } };
  action?: { url: string };
}

const CHALLENGE_CARD = '4012001037141112';

for (const db of DB_KINDS) {
  describe(`${db}: every final status sends exactly the documented, signed body`, () => {
    let receiver: Receiver;
    let gw: TestGateway;
    const clock = new ManualClock();

    beforeAll(async () => {
      receiver = await Receiver.start();
      gw = await startGateway({ db, clock, shop: { notificationUrl: receiver.url('/imoje') } });
    });
    afterAll(async () => {
      await gw?.close();
      await receiver?.close();
    });

    /** Runs the worker once and returns what the shop received during that round. */
    async function deliverRound(): Promise<Received[]> {
      const before = receiver.received.length;
      await gw.gateway.worker.tick();
      return receiver.received.slice(before);
    }

    /**
     * imoje-api.md §6, checked against the raw bytes: headers, signature recomputed here, compact JSON, the
     * transaction as the API reports it, `payment.id`, and the profile in both places when one is involved.
     */
    async function expectDocumented(
      got: Received[],
      id: string,
      expected: {
        status: string;
        statusCode: string;
        profile: boolean;
        type?: 'sale' | 'refund';
        merchant?: TestMerchant;
      },
    ): Promise<Json> {
      const m = expected.merchant ?? gw.merchant;
      expect(got).toHaveLength(1);
      const r = got[0]!;
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/imoje');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['user-agent']).toBe('imoje');
      const header = r.headers['x-imoje-signature'];
      expect(header).toBe(expectedSignatureHeader(r.body, m.merchantId, m.serviceId, m.serviceKey));
      expect(
        Buffer.from(String(header), 'latin1').equals(
          Buffer.from(expectedSignatureHeader(r.body, m.merchantId, m.serviceId, m.serviceKey), 'latin1'),
        ),
      ).toBe(true);

      const text = r.body.toString('utf8');
      const body = JSON.parse(text) as Json & {
        transaction: Json & { payment: Json; paymentProfile?: Json };
        payment: Json;
        paymentProfile?: Json;
      };
      expect(JSON.stringify(body)).toBe(text); // compact: no whitespace anywhere

      const read = await m.api.get<TxResponse>(`/transaction/${id}`);
      expect(read.status).toBe(200);
      const { refunds: _refunds, ...apiView } = read.body.transaction;
      expect(body.transaction).toEqual(apiView);
      expect(body.transaction).toMatchObject({
        id,
        type: expected.type ?? 'sale',
        status: expected.status,
        statusCode: expected.statusCode,
        serviceId: m.serviceId,
        notificationUrl: receiver.url('/imoje'),
        payment: { id, status: expected.status },
      });
      expect(body.payment).toEqual({
        id,
        status: expected.status,
        amount: apiView.amount,
        currency: apiView.currency,
        orderId: apiView.orderId,
        serviceId: m.serviceId,
        title: apiView.title,
        created: apiView.created,
        modified: apiView.modified,
      });
      if (expected.profile) {
        expect(Object.keys(body)).toEqual(['transaction', 'payment', 'paymentProfile']);
        const profileId = (body.paymentProfile as { id: string }).id;
        const profile = await m.api.get<{ paymentProfile: Json }>(`/profile/id/${profileId}`);
        expect(body.paymentProfile).toEqual(profile.body.paymentProfile);
        expect(body.transaction.paymentProfile).toEqual(profile.body.paymentProfile);
      } else {
        expect(Object.keys(body)).toEqual(['transaction', 'payment']);
        expect(body.transaction).not.toHaveProperty('paymentProfile');
      }
      return body;
    }

    async function create(body: Json): Promise<TxResponse> {
      const res = await gw.merchant.api.post<TxResponse>('/transaction', body);
      expect(res.status).toBe(200);
      return res.body;
    }

    async function challenge(result: 'pass' | 'fail', card = CHALLENGE_CARD): Promise<string> {
      const created = await create(saleBody(gw.merchant.serviceId, {}, { number: card }));
      expect(created.transaction.status).toBe('pending');
      expect(await deliverRound()).toHaveLength(0); // pending is not final: nothing sent yet
      const done = await gw.http.request('POST', `/3ds/${created.transaction.id}`, `result=${result}`, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(done.status).toBe(303);
      return created.transaction.id;
    }

    it('registration settled: profile created, inside transaction and at the top level', async () => {
      const { transaction } = await create(saleBody(gw.merchant.serviceId));
      expect(transaction.status).toBe('settled');
      await expectDocumented(await deliverRound(), transaction.id, {
        status: 'settled',
        statusCode: 'CODE_000',
        profile: true,
      });
    });

    // imoje-api.md §3.1 lists no firstTransactionId on the transaction; §3.2 and §5 add it only for a
    // profile-less FIRST registration. A profile registration has it in its paymentProfile (§4) only.
    it('firstTransactionId: only in the paymentProfile of a profile registration, on the transaction of a FIRST one', async () => {
      for (const paymentMethodCode of ['oneclick', 'recurring']) {
        const { transaction } = await create(saleBody(gw.merchant.serviceId, { paymentMethodCode }));
        expect(transaction.status).toBe('settled');
        expect(transaction).not.toHaveProperty('firstTransactionId');
        expect(transaction.paymentProfile).toHaveProperty('firstTransactionId');
        const body = await expectDocumented(await deliverRound(), transaction.id, {
          status: 'settled',
          statusCode: 'CODE_000',
          profile: true,
        });
        expect(body.transaction).not.toHaveProperty('firstTransactionId');
        expect(body).not.toHaveProperty('firstTransactionId');
        const read = await gw.merchant.api.get<TxResponse>(`/transaction/${transaction.id}`);
        expect(read.body.transaction).not.toHaveProperty('firstTransactionId');
      }
      const id = await challenge('pass');
      await deliverRound();
      const read = await gw.merchant.api.get<TxResponse>(`/transaction/${id}`);
      expect(read.body.transaction).not.toHaveProperty('firstTransactionId');
      expect(read.body.transaction.paymentProfile).toHaveProperty('firstTransactionId');

      const { transaction: first } = await create(
        saleBody(gw.merchant.serviceId, { paymentMethodCode: 'recurring', profileType: 'FIRST' }),
      );
      expect(first.firstTransactionId).toMatch(/^[0-9]{15}$/);
      const body = await expectDocumented(await deliverRound(), first.id, {
        status: 'settled',
        statusCode: 'CODE_000',
        profile: false,
      });
      expect((body.transaction as Json).firstTransactionId).toBe(first.firstTransactionId);
    });

    it('registration rejected: no profile', async () => {
      const { transaction } = await create(
        saleBody(gw.merchant.serviceId, {}, { number: '4444333322221111' }),
      );
      await expectDocumented(await deliverRound(), transaction.id, {
        status: 'rejected',
        statusCode: 'CODE_05',
        profile: false,
      });
    });

    it('registration error (acquirer failure)', async () => {
      const { transaction } = await create(
        saleBody(gw.merchant.serviceId, {}, { number: '4012001007002005' }),
      );
      expect(transaction.status).toBe('error');
      await expectDocumented(await deliverRound(), transaction.id, {
        status: 'error',
        statusCode: String((transaction as { statusCode?: string }).statusCode),
        profile: false,
      });
    });

    it('one-off ecom3ds payment settled: no profile', async () => {
      const { transaction } = await create(saleBody(gw.merchant.serviceId, { paymentMethodCode: 'ecom3ds' }));
      await expectDocumented(await deliverRound(), transaction.id, {
        status: 'settled',
        statusCode: 'CODE_000',
        profile: false,
      });
    });

    it('3-D Secure challenge passed: settled with the new profile', async () => {
      const id = await challenge('pass');
      await expectDocumented(await deliverRound(), id, {
        status: 'settled',
        statusCode: 'CODE_000',
        profile: true,
      });
    });

    it('3-D Secure challenge failed: rejected with CODE_570', async () => {
      const id = await challenge('fail');
      await expectDocumented(await deliverRound(), id, {
        status: 'rejected',
        statusCode: 'CODE_570',
        profile: false,
      });
    });

    it('profile debit settled: the profile used is in both places', async () => {
      const reg = await create(saleBody(gw.merchant.serviceId));
      await deliverRound();
      const profileId = reg.transaction.paymentProfile!.id;
      const debit = await gw.merchant.api.post<TxResponse>(
        '/transaction/profile',
        debitBody(gw.merchant.serviceId, profileId),
      );
      expect(debit.body.transaction.status).toBe('settled');
      const body = await expectDocumented(await deliverRound(), debit.body.transaction.id, {
        status: 'settled',
        statusCode: 'CODE_000',
        profile: true,
      });
      expect((body.paymentProfile as { id: string }).id).toBe(profileId);
    });

    it('profile debit rejected: still carries the profile it used', async () => {
      const reg = await create(saleBody(gw.merchant.serviceId, {}, { number: '4485201817664006' }));
      await deliverRound();
      const profileId = reg.transaction.paymentProfile!.id;
      const debit = await gw.merchant.api.post<TxResponse>(
        '/transaction/profile',
        debitBody(gw.merchant.serviceId, profileId),
      );
      expect(debit.body.transaction.status).toBe('rejected');
      const body = await expectDocumented(await deliverRound(), debit.body.transaction.id, {
        status: 'rejected',
        statusCode: 'CODE_05',
        profile: true,
      });
      expect((body.paymentProfile as { id: string }).id).toBe(profileId);
    });

    it('refund settled: a notification of its own, with type "refund"', async () => {
      const sale = await create(saleBody(gw.merchant.serviceId));
      await deliverRound();
      const refund = await gw.merchant.api.post<TxResponse>(`/transaction/${sale.transaction.id}/refund`, {
        type: 'refund',
        serviceId: gw.merchant.serviceId,
        amount: 500,
      });
      expect(refund.status).toBe(200);
      const body = await expectDocumented(await deliverRound(), refund.body.transaction.id, {
        type: 'refund',
        status: 'settled',
        statusCode: 'CODE_000',
        // A refund carries the profile of the sale it refunds, as GET /transaction/{refund id} shows it.
        profile: true,
      });
      expect(body.transaction).toMatchObject({ amount: 500, parentTransactionId: sale.transaction.id });
    });

    it('pre-authorisation: authorized, then captured (settled) or voided (cancelled), each notified', async () => {
      const shop = await gw.newMerchant({ preauth: true, notificationUrl: receiver.url('/imoje') });
      const first = await shop.api.post<TxResponse>('/transaction', saleBody(shop.serviceId));
      expect(first.body.transaction.status).toBe('authorized');
      const common = { statusCode: 'CODE_000', profile: true, merchant: shop };
      await expectDocumented(await deliverRound(), first.body.transaction.id, {
        status: 'authorized',
        ...common,
      });
      const captured = await shop.api.post(`/transaction/${first.body.transaction.id}/capture`, '[]');
      expect(captured.status).toBe(200);
      await expectDocumented(await deliverRound(), first.body.transaction.id, {
        status: 'settled',
        ...common,
      });

      const second = await shop.api.post<TxResponse>(
        '/transaction',
        saleBody(shop.serviceId, { paymentMethodCode: 'ecom3ds' }),
      );
      await deliverRound();
      const voided = await shop.api.post(`/transaction/${second.body.transaction.id}/void`, '[]');
      expect(voided.status).toBe(200);
      await expectDocumented(await deliverRound(), second.body.transaction.id, {
        ...common,
        status: 'cancelled',
        profile: false,
      });
    });

    it('abandoned challenge: rejected with CODE_570 after the TTL, and notified', async () => {
      const created = await create(saleBody(gw.merchant.serviceId, {}, { number: CHALLENGE_CARD }));
      const id = created.transaction.id;
      const ttlMs = gw.gateway.config.challengeTtlMs;
      expect(ttlMs).toBe(900_000); // default: 15 minutes

      clock.advance(ttlMs - 1000);
      expect(await deliverRound()).toHaveLength(0);
      expect((await gw.merchant.api.get<TxResponse>(`/transaction/${id}`)).body.transaction.status).toBe(
        'pending',
      );

      clock.advance(2000);
      await expectDocumented(await deliverRound(), id, {
        status: 'rejected',
        statusCode: 'CODE_570',
        profile: false,
      });
      const page = await gw.http.request('POST', `/3ds/${id}`, 'result=pass', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(page.status).toBe(409); // too late: the payer can no longer complete it
      expect(await deliverRound()).toHaveLength(0);
    });
  });
}
