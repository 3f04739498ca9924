import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody, uniqueCid } from '../support/payloads.js';
import { expectError, type TransactionResponse } from '../support/wire.js';

const customer = (extra: Record<string, unknown> = {}) => ({
  firstName: 'Jan',
  lastName: 'Kowalski',
  email: 'jan@example.com',
  cid: uniqueCid(),
  ...extra,
});

/** imoje-api.md §1: each rule at least once; the request is rejected with 422 naming the property. */
const INVALID: Array<[string, Record<string, unknown>, Record<string, unknown>, string]> = [
  ['amount 0', { amount: 0 }, {}, 'amount'],
  ['amount over 999999999', { amount: 1_000_000_000 }, {}, 'amount'],
  ['fractional amount', { amount: 10.5 }, {}, 'amount'],
  ['amount as a string', { amount: '100' }, {}, 'amount'],
  ['lowercase currency', { currency: 'pln' }, {}, 'currency'],
  ['unknown currency', { currency: 'XYZ' }, {}, 'currency'],
  ['orderId over 100 chars', { orderId: 'a'.repeat(101) }, {}, 'orderId'],
  ['orderId with forbidden characters', { orderId: 'order<1>' }, {}, 'orderId'],
  ['empty orderId', { orderId: '' }, {}, 'orderId'],
  ['title over 255 chars', { title: 'a'.repeat(256) }, {}, 'title'],
  ['title with forbidden characters', { title: 'buy <b>now</b>' }, {}, 'title'],
  ['serviceId not a UUID', { serviceId: 'shop-1' }, {}, 'serviceId'],
  ['serviceId in uppercase', { serviceId: 'upper' }, {}, 'serviceId'],
  ['type other than sale', { type: 'refund' }, {}, 'type'],
  ['unknown paymentMethodCode', { paymentMethodCode: 'blik' }, {}, 'paymentMethodCode'],
  ['relative successReturnUrl', { successReturnUrl: '/ok' }, {}, 'successReturnUrl'],
  [
    'failureReturnUrl over 300 chars',
    { failureReturnUrl: `https://x.example/${'a'.repeat(300)}` },
    {},
    'failureReturnUrl',
  ],
  ['notificationUrl not http(s)', { notificationUrl: 'ftp://x.example/n' }, {}, 'notificationUrl'],
  ['missing customer', { customer: undefined }, {}, 'customer'],
  ['cid over 36 chars', { customer: customer({ cid: 'a'.repeat(37) }) }, {}, 'customer.cid'],
  ['cid with underscore (API)', { customer: customer({ cid: 'a_b' }) }, {}, 'customer.cid'],
  [
    'firstName over 100 chars',
    { customer: customer({ firstName: 'a'.repeat(101) }) },
    {},
    'customer.firstName',
  ],
  ['lastName over 100 chars', { customer: customer({ lastName: 'a'.repeat(101) }) }, {}, 'customer.lastName'],
  [
    'email over 200 chars',
    { customer: customer({ email: `${'a'.repeat(200)}@x.pl` }) },
    {},
    'customer.email',
  ],
  ['phone with letters', { customer: customer({ phone: '+48 abc' }) }, {}, 'customer.phone'],
  ['phone over 20 chars', { customer: customer({ phone: '1'.repeat(21) }) }, {}, 'customer.phone'],
  ['company over 200 chars', { customer: customer({ company: 'a'.repeat(201) }) }, {}, 'customer.company'],
  ['card number failing Luhn', {}, { number: '4111111111111112' }, 'card.number'],
  ['card number too short', {}, { number: '41111111111' }, 'card.number'],
  ['card number with letters', {}, { number: '4111x11111111111' }, 'card.number'],
  ['expired card', {}, { month: '01', year: '2020' }, 'card.year'],
  ['month 13', {}, { month: '13' }, 'card.month'],
  ['two-digit year', {}, { year: '29' }, 'card.year'],
  ['CVV too short', {}, { cvv: '12' }, 'card.cvv'],
  ['CVV with letters', {}, { cvv: '12a' }, 'card.cvv'],
  ['missing CVV', {}, { cvv: null }, 'card.cvv'],
];

for (const db of DB_KINDS) {
  describe(`validation and error envelope (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db });
    });
    afterAll(async () => {
      await gw?.close();
    });

    for (const [name, overrides, cardOverrides, property] of INVALID) {
      it(`422: ${name}`, async () => {
        const m = gw.merchant;
        const body = saleBody(m.serviceId, overrides, cardOverrides);
        for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete body[k];
        const res = await m.api.post('/transaction', body);
        const e = expectError(res, 422, undefined, property);
        expect(JSON.stringify(res.body)).not.toContain('4111111111111111');
        expect(e.errors.every((x) => typeof x.message === 'string' && x.message.length > 0)).toBe(true);
      });
    }

    it('422: a payment method other than card', async () => {
      const m = gw.merchant;
      const res = await m.api.post('/transaction', saleBody(m.serviceId, { paymentMethod: 'blik' }));
      expectError(res, 422, 'TRX-ERROR-110422', 'paymentMethod');
    });

    it('accepts the edges and what real clients send: null optionals, empty title, unicode, escaped slashes, unknown fields, no Accept', async () => {
      const m = gw.merchant;
      for (const currency of ['PLN', 'EUR', 'USD', 'GBP', 'CHF', 'SEK', 'HUF', 'CZK', 'BGN', 'RON']) {
        const res = await m.api.post(
          '/transaction',
          saleBody(m.serviceId, { currency, paymentMethodCode: 'ecom3ds' }),
        );
        expect(res.status, currency).toBe(200);
      }
      const edges = saleBody(m.serviceId, {
        amount: 999_999_999,
        title: '',
        orderId: 'Zamówienie-ąęłńóśźż #1/2 a.b\\c',
        notificationUrl: null,
        clientIp: null,
        validTo: null,
        billing: null,
        shipping: null,
        somethingNew: { nested: true },
        customer: customer({ cid: 'a'.repeat(36), phone: '+48 600-100-200', company: null, locale: null }),
      });
      const raw = JSON.stringify(edges).replace(/https:\/\//g, 'https:\\/\\/');
      expect(raw).toContain('\\/');
      const res = await fetch(`${m.api.baseUrl}/transaction`, {
        method: 'POST',
        headers: { authorization: `Bearer ${m.token}`, 'content-type': 'application/json' },
        body: raw,
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as TransactionResponse;
      expect(body.transaction.amount).toBe(999_999_999);
      expect(body.transaction.title).toBe('');
      expect(body.transaction.orderId).toBe('Zamówienie-ąęłńóśźż #1/2 a.b\\c');
      const min = await m.api.post('/transaction', saleBody(m.serviceId, { amount: 1 }));
      expect(min.status).toBe(200);
    });

    it('GET with Content-Type: application/json and an empty body is fine', async () => {
      const m = gw.merchant;
      const created = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
      const res = await fetch(`${m.api.baseUrl}/transaction/${created.body.transaction.id}`, {
        headers: { authorization: `Bearer ${m.token}`, 'content-type': 'application/json' },
      });
      expect(res.status).toBe(200);
    });

    it('422: malformed JSON, with the envelope', async () => {
      const res = await gw.merchant.api.post('/transaction', '{"type": "sale",');
      expectError(res, 422, 'API-ERROR-100400');
    });

    it('422: prototype-poisoning keys are refused, not obeyed', async () => {
      const res = await gw.merchant.api.post('/transaction', '{"type":"sale","__proto__":{"admin":true}}');
      expectError(res, 422, 'API-ERROR-100400');
      const res2 = await gw.merchant.api.post('/transaction', '{"constructor":{"prototype":{"admin":true}}}');
      expectError(res2, 422, 'API-ERROR-100400');
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    });

    // The JSON is well-formed: "Request body is not valid JSON." sent the client looking for a syntax error.
    it('422 API-ERROR-100400 for a prototype key says which key, and where; malformed JSON still says malformed', async () => {
      const m = gw.merchant;
      const proto = expectError(
        await m.api.post(
          '/transaction',
          '{"type":"sale","customer":{"cid":"c-1","__proto__":{"admin":true}}}',
        ),
        422,
        'API-ERROR-100400',
      );
      expect(proto.message).toBe('Request body contains a forbidden key: "__proto__".');
      expect(proto.errors).toEqual([
        {
          property: 'customer.__proto__',
          message: '"__proto__" is not allowed: it could change object prototypes.',
        },
      ]);
      const ctor = expectError(
        await m.api.post('/transaction/profile', '[{"constructor":{"prototype":{"admin":true}}}]'),
        422,
        'API-ERROR-100400',
      );
      expect(ctor.message).toBe('Request body contains a forbidden key: "constructor" holding "prototype".');
      expect(ctor.errors.map((e) => e.property)).toEqual(['0.constructor.prototype']);
      // A key named constructor that holds no prototype is an ordinary unknown field (ignored), as before.
      const plain = await m.api.post('/transaction', { constructor: 'x' });
      expect(plain.status).toBe(422);
      expect(plain.text).not.toContain('API-ERROR-100400');
      const broken = expectError(
        await m.api.post('/transaction', '{"__proto__": '),
        422,
        'API-ERROR-100400',
        'body',
      );
      expect(broken.message).toBe('Request body is not valid JSON.');
    });

    it('415: a body that is not JSON', async () => {
      const res = await gw.merchant.api.post('/transaction', 'type=sale', { 'content-type': 'text/plain' });
      expectError(res, 415, 'API-ERROR-100415');
    });

    it('413: an oversized body', async () => {
      const m = gw.merchant;
      const res = await m.api.post('/transaction', saleBody(m.serviceId, { padding: 'x'.repeat(100_000) }));
      expectError(res, 413, 'API-ERROR-100413');
    });

    it('404: unknown routes, shops, transactions and profiles', async () => {
      const m = gw.merchant;
      expectError(await m.api.get('/does-not-exist'), 404, 'API-ERROR-100404');
      expectError(await gw.http.get('/nothing/here'), 404, 'API-ERROR-100404');
      expectError(
        await m.api.post('/transaction', saleBody('6d2a3f3e-1b7c-4e5a-9f0b-2c4d6e8f0a1b')),
        404,
        'SRV-ERROR-200404',
        'serviceId',
      );
      expectError(
        await m.api.get('/transaction/6d2a3f3e-1b7c-4e5a-9f0b-2c4d6e8f0a1b'),
        404,
        'TRX-ERROR-110404',
      );
      expectError(
        await m.api.get('/profile/id/6d2a3f3e-1b7c-4e5a-9f0b-2c4d6e8f0a1b'),
        404,
        'PRF-ERROR-130404',
      );
      expectError(
        await m.api.post('/profile/deactivate', { paymentProfileId: '6d2a3f3e-1b7c-4e5a-9f0b-2c4d6e8f0a1b' }),
        404,
        'PRF-ERROR-130404',
      );
      expectError(
        await m.api.post('/transaction/profile', {
          serviceId: m.serviceId,
          paymentProfileId: '6d2a3f3e-1b7c-4e5a-9f0b-2c4d6e8f0a1b',
          amount: 100,
          currency: 'PLN',
          orderId: 'x',
        }),
        404,
        'PRF-ERROR-130404',
      );
    });

    it('422: ill-formed ids in paths', async () => {
      const m = gw.merchant;
      expectError(await m.api.get('/transaction/not-a-uuid'), 422, 'API-ERROR-100422', 'transactionId');
      expectError(await m.api.get(`/profile/cid/${'a'.repeat(37)}`), 422, 'API-ERROR-100422', 'cid');
    });

    it('401: missing, malformed, unknown and foreign tokens', async () => {
      const m = gw.merchant;
      const other = await gw.newMerchant();
      const path = `/v1/merchant/${m.merchantId}/profile/cid/abc`;
      expectError(await gw.http.get(path), 401, 'API-ERROR-100401');
      expectError(await gw.http.get(path, { authorization: m.token }), 401, 'API-ERROR-100401');
      expectError(await gw.http.get(path, { authorization: 'Bearer not-a-token' }), 401, 'API-ERROR-100401');
      expectError(
        await gw.http.get(path, { authorization: `Bearer ${other.token}` }),
        401,
        'API-ERROR-100401',
      );
      expect((await gw.http.get(path, { authorization: `Bearer ${m.token}` })).status).toBe(200);
      // 401 comes before validation: nothing about the body leaks to the unauthenticated.
      const res = await gw.http.post(`/v1/merchant/${m.merchantId}/transaction`, { bogus: true });
      expectError(res, 401);
    });

    it('error instances echo the payload with the card masked and no CVV', async () => {
      const m = gw.merchant;
      const res = await m.api.post('/transaction', saleBody(m.serviceId, { amount: -5 }));
      const e = expectError(res, 422, undefined, 'amount');
      const instance = e.instance as { amount: number; card: Record<string, unknown> };
      expect(instance.amount).toBe(-5);
      expect(instance.card.number).toBe('****1111');
      expect(instance.card.cvv).toBeUndefined();
      expect(res.text).not.toContain('4111111111111111');
    });
  });
}
