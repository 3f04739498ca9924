import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChallenge } from '../support/challenge.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { debitBody, FUTURE_YEAR, saleBody, uniqueCid } from '../support/payloads.js';
import {
  expectError,
  expectProfileShape,
  expectTransactionShape,
  type TransactionResponse,
  type WireProfile,
} from '../support/wire.js';

for (const db of DB_KINDS) {
  describe(`card API endpoints (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db });
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('POST /transaction registers a OneClick card: settled, with a ONE_CLICK profile, field by field', async () => {
      const m = gw.merchant;
      const cid = uniqueCid();
      const body = saleBody(m.serviceId, {
        amount: 2599,
        currency: 'EUR',
        orderId: 'order/2024#1',
        title: 'Zamówienie "Żółw"',
        notificationUrl: 'https://shop.example/notify',
        customer: { firstName: 'Anna', lastName: 'Nowak', email: 'anna@example.com', cid },
      });
      const res = await m.api.post<TransactionResponse>('/transaction', body);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const t = res.body.transaction;
      expectTransactionShape(t);
      expect(t).toMatchObject({
        type: 'sale',
        status: 'settled',
        source: 'api',
        serviceId: m.serviceId,
        amount: 2599,
        currency: 'EUR',
        orderId: 'order/2024#1',
        title: 'Zamówienie "Żółw"',
        notificationUrl: 'https://shop.example/notify',
        paymentMethod: 'card',
        paymentMethodCode: 'oneclick',
        statusCode: 'CODE_000',
        statusCodeDescription: 'CODE_000 - OK',
      });
      expect(res.body.action).toBeUndefined();
      const p = t.paymentProfile!;
      expectProfileShape(p);
      expect(p).toMatchObject({
        merchantMid: m.merchantId,
        merchantCustomerId: cid,
        firstName: 'Anna',
        lastName: 'Nowak',
        email: 'anna@example.com',
        maskedNumber: '****1111',
        month: '12',
        year: FUTURE_YEAR,
        organization: 'VISA',
        isActive: 1,
        profile: 'ONE_CLICK',
      });
      // The network transaction id of the first payment, not Kartoteka's UUID.
      expect(p.firstTransactionId).not.toBe(t.id);
      expect(p.firstTransactionId).toMatch(/^[0-9]{15}$/);
    });

    it('POST /transaction with recurring creates a RECURRING profile; ecom3ds creates none', async () => {
      const m = gw.merchant;
      const rec = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'recurring' }),
      );
      expect(rec.body.transaction.paymentProfile?.profile).toBe('RECURRING');
      expect(rec.body.transaction.paymentMethodCode).toBe('recurring');
      const one = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'ecom3ds' }),
      );
      expect(one.body.transaction.status).toBe('settled');
      expect(one.body.transaction.paymentMethodCode).toBe('ecom3ds');
      expect(one.body.transaction.paymentProfile).toBeUndefined();
    });

    it('a challenge card answers pending with exactly the five-key redirect action', async () => {
      const m = gw.merchant;
      const res = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, {}, { number: '4012001037141112' }),
      );
      expect(res.status).toBe(200);
      expect(res.body.transaction.status).toBe('pending');
      expect(res.body.transaction.payment.status).toBe('pending');
      expect(res.body.transaction.paymentProfile).toBeUndefined();
      const action = res.body.action!;
      expect(Object.keys(action).sort()).toEqual(['contentBodyRaw', 'contentType', 'method', 'type', 'url']);
      expect(action).toEqual({
        type: 'redirect',
        url: `${gw.url}/3ds/${res.body.transaction.id}`,
        method: 'GET',
        contentType: '',
        contentBodyRaw: '',
      });
    });

    it('the 3-D Secure page shows amount, shop and masked card; passing it creates the profile; it then refuses to change anything', async () => {
      const m = gw.merchant;
      const cid = uniqueCid();
      const res = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(
          m.serviceId,
          { amount: 12345, customer: { firstName: 'Jan', lastName: 'K', email: 'j@example.com', cid } },
          { number: '5454545454545454' },
        ),
      );
      const page = await fetch(res.body.action!.url);
      const html = await page.text();
      const csp = page.headers.get('content-security-policy');
      expect(csp).toContain("default-src 'none'");
      // Opened by redirect, not by a widget: no page may frame it (it was `frame-ancestors *`).
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('*');
      // Written as the English widget writes it (domain/money.ts): `PLN 123.45`.
      expect(html).toContain('PLN\u00a0123.45');
      expect(html).toContain('Test shop');
      expect(html).toContain('****5454');
      expect(html).not.toContain('5454545454545454');
      expect(html).toContain('Authenticate');
      expect(html).toContain('Fail');

      const answered = await answerChallenge(res.body.action!.url, 'pass');
      expect(answered.status).toBe(303);
      expect(answered.headers.get('location')).toBe('https://shop.example/success');
      const after = await m.api.get<TransactionResponse>(`/transaction/${res.body.transaction.id}`);
      expect(after.body.transaction.status).toBe('settled');
      expect(after.body.transaction.paymentProfile?.organization).toBe('MASTERCARD');
      const profiles = await m.api.get<{ paymentProfiles: WireProfile[] }>(`/profile/cid/${cid}`);
      expect(profiles.body.paymentProfiles).toHaveLength(1);

      // Already final: the page says so, and a second answer changes nothing.
      const again = await fetch(res.body.action!.url);
      expect(again.status).toBe(409);
      expect(await again.text()).toContain('already completed');
      const failLater = await fetch(res.body.action!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'result=fail',
        redirect: 'manual',
      });
      expect(failLater.status).toBe(409);
      const still = await m.api.get<TransactionResponse>(`/transaction/${res.body.transaction.id}`);
      expect(still.body.transaction.status).toBe('settled');
    });

    it('the 3-D Secure page for an unknown transaction says so', async () => {
      const res = await gw.http.get('/3ds/8f0e4c52-5a43-4b7e-9a51-0d2f7b3c9e11');
      expect(res.status).toBe(404);
      expect(res.text).toContain('Unknown payment');
      const post = await fetch(`${gw.url}/3ds/8f0e4c52-5a43-4b7e-9a51-0d2f7b3c9e11`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'result=pass',
      });
      expect(post.status).toBe(404);
    });

    it('GET /transaction/{id} returns the transaction with its profile and (empty) refunds', async () => {
      const m = gw.merchant;
      const created = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
      const res = await m.api.get<TransactionResponse>(`/transaction/${created.body.transaction.id}`, {
        'content-type': 'application/json',
      });
      expect(res.status).toBe(200);
      expectTransactionShape(res.body.transaction);
      const { refunds, ...rest } = res.body.transaction;
      expect(refunds).toEqual([]);
      expect(rest).toEqual(created.body.transaction);
    });

    it('answers are the same view GET shows, also the notificationUrl inherited from the shop', async () => {
      const m = await gw.newMerchant({ notificationUrl: 'https://shop.example/imoje-notify' });
      const reg = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { amount: 900 }),
      );
      const debit = await m.api.post<TransactionResponse>(
        '/transaction/profile',
        debitBody(m.serviceId, reg.body.transaction.paymentProfile!.id),
      );
      const refund = await m.api.post<TransactionResponse>(`/transaction/${reg.body.transaction.id}/refund`, {
        type: 'refund',
        serviceId: m.serviceId,
        amount: 100,
      });
      for (const answer of [reg, debit, refund]) {
        const t = answer.body.transaction;
        expect(t.notificationUrl).toBe('https://shop.example/imoje-notify');
        const { refunds: _refunds, ...read } = (await m.api.get<TransactionResponse>(`/transaction/${t.id}`))
          .body.transaction;
        expect(read).toEqual(t);
      }
    });

    it('POST /transaction/profile debits: oneclick profile, statusCode, paymentProfile', async () => {
      const m = gw.merchant;
      const reg = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
      const profile = reg.body.transaction.paymentProfile!;
      const res = await m.api.post<TransactionResponse>(
        '/transaction/profile',
        debitBody(m.serviceId, profile.id, { amount: 4200, title: null, notificationUrl: null }),
      );
      expect(res.status).toBe(200);
      const t = res.body.transaction;
      expectTransactionShape(t);
      expect(t).toMatchObject({
        type: 'sale',
        status: 'settled',
        amount: 4200,
        currency: 'PLN',
        title: '',
        paymentMethod: 'card',
        paymentMethodCode: 'oneclick',
        statusCode: 'CODE_000',
      });
      expect(t.paymentProfile).toEqual(profile);
      expect(t.firstTransactionId).toBeUndefined();
    });

    it('GET /profile/id and /profile/cid; POST /profile/deactivate and DELETE /profile/id', async () => {
      const m = gw.merchant;
      const cid = uniqueCid();
      const customer = { firstName: 'Ewa', lastName: 'Lis', email: 'ewa@example.com', cid };
      const one = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId, { customer }));
      const rec = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { customer, paymentMethodCode: 'recurring' }),
      );
      const oneId = one.body.transaction.paymentProfile!.id;
      const recId = rec.body.transaction.paymentProfile!.id;

      const byId = await m.api.get<{ paymentProfile: WireProfile }>(`/profile/id/${oneId}`);
      expect(byId.status).toBe(200);
      expectProfileShape(byId.body.paymentProfile);
      expect(byId.body.paymentProfile).toEqual(one.body.transaction.paymentProfile);

      const list = await m.api.get<{ paymentProfiles: WireProfile[] }>(`/profile/cid/${cid}`);
      expect(list.status).toBe(200);
      expect(Array.isArray(list.body.paymentProfiles)).toBe(true);
      expect(list.body.paymentProfiles.map((p) => p.id).sort()).toEqual([oneId, recId].sort());

      const deactivated = await m.api.post<{ paymentProfile: WireProfile }>('/profile/deactivate', {
        paymentProfileId: oneId,
      });
      expect(deactivated.status).toBe(200);
      expect(deactivated.body.paymentProfile).toMatchObject({ id: oneId, isActive: 0 });
      // Idempotent and final.
      const again = await m.api.post<{ paymentProfile: WireProfile }>('/profile/deactivate', {
        paymentProfileId: oneId,
      });
      expect(again.body.paymentProfile.isActive).toBe(0);

      const deleted = await m.api.delete<{ paymentProfile: WireProfile }>(`/profile/id/${recId}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body.paymentProfile).toMatchObject({ id: recId, isActive: 0 });

      // Inactive profiles are still listed.
      const after = await m.api.get<{ paymentProfiles: WireProfile[] }>(`/profile/cid/${cid}`);
      expect(after.body.paymentProfiles.map((p) => p.isActive)).toEqual([0, 0]);

      const debit = await m.api.post('/transaction/profile', debitBody(m.serviceId, oneId));
      const e = expectError(debit, 400, 'TRX-ERROR-120301');
      expect(e.message).toBe('Payment profile inactive.');
    });

    it('GET /profile/cid for a payer without profiles is an empty array', async () => {
      const res = await gw.merchant.api.get<{ paymentProfiles: WireProfile[] }>(
        `/profile/cid/${uniqueCid()}`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ paymentProfiles: [] });
    });

    it('one cid, one card: a different card under a cid with an active profile is refused before charging', async () => {
      const m = gw.merchant;
      const cid = uniqueCid();
      const customer = { firstName: 'Jan', lastName: 'K', email: 'j@example.com', cid };
      await m.api.post('/transaction', saleBody(m.serviceId, { customer }));
      const ledgerBefore = (await gw.ledger.list()).length;
      const other = await m.api.post(
        '/transaction',
        saleBody(m.serviceId, { customer }, { number: '5555555555554444' }),
      );
      expectError(other, 400, 'PRF-ERROR-130400', 'customer.cid');
      expect((await gw.ledger.list()).length).toBe(ledgerBefore);
    });

    it('the same card registered again under the same cid and type refreshes the profile (new expiry)', async () => {
      const m = gw.merchant;
      const cid = uniqueCid();
      const customer = { firstName: 'Jan', lastName: 'K', email: 'j@example.com', cid };
      const first = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { customer }),
      );
      const newYear = String(Number(FUTURE_YEAR) + 1);
      const second = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { customer }, { month: '03', year: newYear }),
      );
      const p1 = first.body.transaction.paymentProfile!;
      const p2 = second.body.transaction.paymentProfile!;
      expect(p2.id).toBe(p1.id);
      expect(p2.month).toBe('03');
      expect(p2.year).toBe(newYear);
      const list = await m.api.get<{ paymentProfiles: WireProfile[] }>(`/profile/cid/${cid}`);
      expect(list.body.paymentProfiles).toHaveLength(1);
    });

    it('after deactivation, the cid may register another card', async () => {
      const m = gw.merchant;
      const cid = uniqueCid();
      const customer = { firstName: 'Jan', lastName: 'K', email: 'j@example.com', cid };
      const first = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { customer }),
      );
      await m.api.post('/profile/deactivate', {
        paymentProfileId: first.body.transaction.paymentProfile!.id,
      });
      const other = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { customer }, { number: '5555555555554444' }),
      );
      expect(other.status).toBe(200);
      expect(other.body.transaction.paymentProfile?.maskedNumber).toBe('****4444');
    });

    it('a card sent by a shop without PCI DSS is refused with 403', async () => {
      const nonPci = await gw.newMerchant({ pci: false });
      const res = await nonPci.api.post('/transaction', saleBody(nonPci.serviceId));
      const e = expectError(res, 403, 'TRX-ERROR-110403');
      expect(e.message).toBe('Cannot process transaction. Plain card data disabled.');
      expect(JSON.stringify(e.instance)).not.toContain('4111111111111111');
    });

    it('a card registration without a cid is refused (cid is required for oneclick and recurring)', async () => {
      const m = gw.merchant;
      for (const paymentMethodCode of ['oneclick', 'recurring']) {
        const res = await m.api.post(
          '/transaction',
          saleBody(m.serviceId, {
            paymentMethodCode,
            customer: { firstName: 'Jan', lastName: 'K', email: 'j@example.com', cid: null },
          }),
        );
        expectError(res, 422, 'API-ERROR-100422', 'customer.cid');
      }
      const ecom = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, {
          paymentMethodCode: 'ecom3ds',
          customer: { firstName: 'Jan', lastName: 'K', email: 'j@example.com' },
        }),
      );
      expect(ecom.status).toBe(200);
    });
  });
}
