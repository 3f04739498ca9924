import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway, type TestMerchant } from '../support/gateway.js';
import { debitBody, saleBody } from '../support/payloads.js';
import { expectError, expectTransactionShape, type TransactionResponse } from '../support/wire.js';

const ADMIN_TOKEN = 'tolerance-admin-token-0123456789abcdefgh';

/** What .NET's HttpClient, Java's HttpURLConnection/Spring and many others put on a JSON request. */
const CHARSET_TYPES = [
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'Application/JSON; charset="utf-8"',
];

/**
 * Issue 14, item 1: real imoje clients, run unchanged, were refused for things imoje accepts — a
 * `Content-Type` with a charset parameter (415) and an empty string in an optional field (422).
 */
for (const db of DB_KINDS) {
  describe(`tolerance of real clients' requests (${db})`, () => {
    let gw: TestGateway;
    let m: TestMerchant;
    let preauth: TestMerchant;
    beforeAll(async () => {
      gw = await startGateway({ db, env: { KARTOTEKA_ADMIN_TOKEN: ADMIN_TOKEN } });
      m = gw.merchant;
      preauth = await gw.newMerchant({ preauth: true });
    });
    afterAll(async () => {
      await gw?.close();
    });

    const settledSale = async (merchant = m) => {
      const res = await merchant.api.post<TransactionResponse>('/transaction', saleBody(merchant.serviceId));
      expect(res.status, res.text).toBe(200);
      return res.body.transaction;
    };

    describe('Content-Type with media-type parameters is accepted (was 415)', () => {
      for (const type of CHARSET_TYPES) {
        it(`POST /transaction with "${type}"`, async () => {
          const res = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId), {
            'content-type': type,
          });
          expect(res.status, res.text).toBe(200);
          expectTransactionShape(res.body.transaction);
        });
      }

      it('POST /transaction/profile (profile debit) with a charset', async () => {
        const sale = await settledSale();
        const res = await m.api.post<TransactionResponse>(
          '/transaction/profile',
          debitBody(m.serviceId, sale.paymentProfile!.id),
          { 'content-type': 'application/json; charset=utf-8' },
        );
        expect(res.status, res.text).toBe(200);
        expect(res.body.transaction.status).toBe('settled');
      });

      it('refund and can-refund with a charset', async () => {
        const sale = await settledSale();
        const headers = { 'content-type': 'application/json; charset=utf-8' };
        const can = await m.api.post(`/transaction/${sale.id}/can-refund`, { amount: 100 }, headers);
        expect(can.status, can.text).toBe(200);
        expect(can.body.refundable).toBe(true);
        const refund = await m.api.post<TransactionResponse>(
          `/transaction/${sale.id}/refund`,
          { type: 'refund', serviceId: m.serviceId, amount: 100 },
          headers,
        );
        expect(refund.status, refund.text).toBe(200);
        expect(refund.body.transaction.type).toBe('refund');
      });

      it('capture and void with a charset, with an empty body and with []', async () => {
        for (const operation of ['capture', 'void'] as const) {
          for (const body of ['', '[]']) {
            const sale = await settledSale(preauth);
            expect(sale.status).toBe('authorized');
            const res = await preauth.api.request<TransactionResponse>(
              'POST',
              `/transaction/${sale.id}/${operation}`,
              body,
              { 'content-type': 'application/json; charset=utf-8' },
            );
            expect(res.status, res.text).toBe(200);
            expect(res.body.transaction.status).toBe(operation === 'capture' ? 'settled' : 'cancelled');
          }
        }
      });

      it('POST /profile/deactivate with a charset', async () => {
        const sale = await settledSale();
        const res = await m.api.post(
          '/profile/deactivate',
          { paymentProfileId: sale.paymentProfile!.id },
          { 'content-type': 'application/json; charset=utf-8' },
        );
        expect(res.status, res.text).toBe(200);
      });

      it('POST /service/{id}/get-payment-methods with a charset', async () => {
        const res = await m.api.post(
          `/service/${m.serviceId}/get-payment-methods`,
          { amount: 1000, currency: 'PLN' },
          { 'content-type': 'application/json; charset=utf-8' },
        );
        expect(res.status, res.text).toBe(200);
      });

      it('GET with "application/json; charset=utf-8" and an empty body', async () => {
        const sale = await settledSale();
        const res = await m.api.request('GET', `/transaction/${sale.id}`, undefined, {
          'content-type': 'application/json; charset=utf-8',
        });
        expect(res.status, res.text).toBe(200);
      });

      it('admin resend (a bodyless POST) with a charset', async () => {
        // The worker is off, so the notification stays pending at an address nobody listens on.
        await settledSale(await gw.newMerchant({ notificationUrl: 'http://127.0.0.1:9/notify' }));
        const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
        const list = await gw.http.get<{ notifications: Array<{ id: string }> }>(
          '/admin/notifications',
          admin,
        );
        expect(list.status, list.text).toBe(200);
        const id = list.body.notifications[0]!.id;
        const res = await gw.http.request('POST', `/admin/notifications/${id}/resend`, '', {
          ...admin,
          'content-type': 'application/json; charset=utf-8',
        });
        expect(res.status, res.text).toBe(200);
      });

      it('a non-JSON media type is still refused with 415', async () => {
        const res = await m.api.post('/transaction', JSON.stringify(saleBody(m.serviceId)), {
          'content-type': 'text/xml; charset=utf-8',
        });
        expectError(res, 415, 'API-ERROR-100415');
      });
    });

    describe('an empty string in an optional field is treated as absent (was 422)', () => {
      it('BitBag: customer.phone "" on a sale', async () => {
        const body = saleBody(m.serviceId);
        body.customer = { ...(body.customer as object), phone: '' };
        const res = await m.api.post<TransactionResponse>('/transaction', body);
        expect(res.status, res.text).toBe(200);
        expect(res.body.transaction.status).toBe('settled');
      });

      it('payment-core: notificationUrl "" on a sale falls back to the shop URL (as if absent)', async () => {
        const res = await m.api.post<TransactionResponse>(
          '/transaction',
          saleBody(m.serviceId, { notificationUrl: '', clientIp: '', version: '' }),
        );
        expect(res.status, res.text).toBe(200);
        const plain = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
        expect(res.body.transaction.notificationUrl).toBe(plain.body.transaction.notificationUrl);
      });

      it('every optional customer field and title "" at once', async () => {
        const body = saleBody(m.serviceId, { paymentMethodCode: 'ecom3ds', title: '', profileType: '' });
        body.customer = {
          firstName: 'Jan',
          lastName: 'Kowalski',
          email: 'jan@example.com',
          cid: '',
          phone: '',
          company: '',
          locale: '',
        };
        const res = await m.api.post<TransactionResponse>('/transaction', body);
        expect(res.status, res.text).toBe(200);
        expect(res.body.transaction.title).toBe('');
      });

      it('profile debit with notificationUrl "" and title ""', async () => {
        const sale = await settledSale();
        const res = await m.api.post<TransactionResponse>(
          '/transaction/profile',
          debitBody(m.serviceId, sale.paymentProfile!.id, { notificationUrl: '', title: '' }),
        );
        expect(res.status, res.text).toBe(200);
        expect(res.body.transaction.status).toBe('settled');
      });

      it('refund with title ""', async () => {
        const sale = await settledSale();
        const res = await m.api.post<TransactionResponse>(`/transaction/${sale.id}/refund`, {
          type: 'refund',
          serviceId: m.serviceId,
          amount: 100,
          title: '',
        });
        expect(res.status, res.text).toBe(200);
      });

      it('get-payment-methods with device "" and locale ""', async () => {
        const res = await m.api.post(`/service/${m.serviceId}/get-payment-methods`, {
          amount: 1000,
          currency: 'PLN',
          device: '',
          locale: '',
        });
        expect(res.status, res.text).toBe(200);
      });

      it('a required field sent as "" stays a 422 naming it', async () => {
        expectError(
          await m.api.post('/transaction', saleBody(m.serviceId, { orderId: '' })),
          422,
          'API-ERROR-100422',
          'orderId',
        );
        expectError(
          await m.api.post('/transaction', saleBody(m.serviceId, { successReturnUrl: '' })),
          422,
          'API-ERROR-100422',
          'successReturnUrl',
        );
        const body = saleBody(m.serviceId);
        body.customer = { ...(body.customer as object), email: '' };
        expectError(await m.api.post('/transaction', body), 422, 'API-ERROR-100422', 'customer.email');
        expectError(
          await m.api.post('/transaction/profile', debitBody(m.serviceId, '')),
          422,
          'API-ERROR-100422',
          'paymentProfileId',
        );
        expectError(
          await m.api.post('/profile/deactivate', { paymentProfileId: '' }),
          422,
          'API-ERROR-100422',
          'paymentProfileId',
        );
      });

      it('a cid that oneclick needs, sent as "", is refused as missing', async () => {
        const body = saleBody(m.serviceId);
        body.customer = { ...(body.customer as object), cid: '' };
        expectError(await m.api.post('/transaction', body), 422, 'API-ERROR-100422', 'customer.cid');
      });
    });
  });
}
