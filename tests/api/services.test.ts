import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENCIES } from '../../src/domain/money.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway, type TestMerchant } from '../support/gateway.js';
import { debitBody, saleBody } from '../support/payloads.js';
import { expectError, type TransactionResponse } from '../support/wire.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CODES = ['ecom3ds', 'oneclick', 'recurring'];

interface Limit {
  type: string;
  value: number;
}
interface ServiceMethod {
  paymentMethod: string;
  paymentMethodCode: string;
  isActive: boolean;
  isOnline: boolean;
  description: string;
  currency: string;
  transactionLimits: { minTransaction: Limit; maxTransaction: Limit };
  paymentMethodImage: Array<{ png: string }>;
  paymentMethodCodeImage: Array<{ png: string }>;
}
interface Service {
  id: string;
  created: number;
  isActive: boolean;
  paymentMethods: ServiceMethod[];
}

/** imoje's `GET /service/{serviceId}` fields, as the WooCommerce plugin and laravel-imoje read them. */
function expectServiceShape(s: Service, serviceId: string, limits: { min: number; max: number }): void {
  expect(Object.keys(s).sort()).toEqual(['created', 'id', 'isActive', 'paymentMethods']);
  expect(s.id).toBe(serviceId);
  expect(s.id).toMatch(UUID);
  expect(Number.isInteger(s.created)).toBe(true);
  expect(s.created).toBeLessThan(10_000_000_000); // seconds, not milliseconds
  expect(s.isActive).toBe(true);
  // One entry per card method and accepted currency, as imoje lists a method per currency.
  expect(s.paymentMethods).toHaveLength(CODES.length * CURRENCIES.length);
  for (const code of CODES) {
    expect(s.paymentMethods.filter((m) => m.paymentMethodCode === code).map((m) => m.currency)).toEqual([
      ...CURRENCIES,
    ]);
  }
  for (const m of s.paymentMethods) {
    expect(Object.keys(m).sort()).toEqual(
      [
        'currency',
        'description',
        'isActive',
        'isOnline',
        'paymentMethod',
        'paymentMethodCode',
        'paymentMethodCodeImage',
        'paymentMethodImage',
        'transactionLimits',
      ].sort(),
    );
    expect(m.paymentMethod).toBe('card');
    expect(CODES).toContain(m.paymentMethodCode);
    expect(m.isActive).toBe(true);
    expect(m.isOnline).toBe(true);
    expect(typeof m.description).toBe('string');
    expect(m.description.length).toBeGreaterThan(0);
    expect(m.transactionLimits).toEqual({
      minTransaction: { type: 'number', value: limits.min },
      maxTransaction: { type: 'number', value: limits.max },
    });
    for (const img of [...m.paymentMethodImage, ...m.paymentMethodCodeImage]) {
      expect(Object.keys(img)).toEqual(['png']);
      expect(img.png).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+\/assets\/methods\/[a-z0-9]+\.svg$/);
    }
  }
}

/** Issue 14, item 2: the service endpoints real clients call, and per-shop amount limits on every payment. */
for (const db of DB_KINDS) {
  describe(`services and amount limits (${db})`, () => {
    let gw: TestGateway;
    let m: TestMerchant;
    beforeAll(async () => {
      gw = await startGateway({ db });
      m = gw.merchant;
    });
    afterAll(async () => {
      await gw?.close();
    });

    const storedTransactions = async () =>
      Number(
        (
          await gw.gateway.storage.db
            .selectFrom('transactions')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const authorizeAttempts = async () =>
      (await gw.ledger.list()).filter((e) => e.operation === 'authorize').length;

    it("GET /service/{serviceId} answers in imoje's shape (was 404, so the WooCommerce plugin hid itself)", async () => {
      const res = await m.api.get<{ service: Service }>(`/service/${m.serviceId}`);
      expect(res.status, res.text).toBe(200);
      expect(Object.keys(res.body)).toEqual(['service']);
      expectServiceShape(res.body.service, m.serviceId, { min: 1, max: 999_999_999 });
    });

    it('the logos it names are served by the gateway as SVG', async () => {
      const res = await m.api.get<{ service: Service }>(`/service/${m.serviceId}`);
      const urls = new Set(
        res.body.service.paymentMethods.flatMap((pm) =>
          [...pm.paymentMethodImage, ...pm.paymentMethodCodeImage].map((i) => i.png),
        ),
      );
      expect(urls.size).toBeGreaterThanOrEqual(2);
      for (const url of urls) {
        const logo = await fetch(url);
        expect(logo.status, url).toBe(200);
        expect(logo.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
        const text = await logo.text();
        expect(text).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        expect(text).not.toMatch(/<script|href=/i);
      }
      expectError(await gw.http.get('/assets/methods/nope.svg'), 404, 'API-ERROR-100404');
    });

    it("GET /service of an unknown id, or another merchant's shop, is 404", async () => {
      const other = await gw.newMerchant();
      expectError(await m.api.get(`/service/${other.serviceId}`), 404, 'SRV-ERROR-200404');
      expectError(await m.api.get('/service/11111111-1111-4111-8111-111111111111'), 404, 'SRV-ERROR-200404');
      expectError(await m.api.get('/service/not-a-uuid'), 422, 'API-ERROR-100422', 'serviceId');
    });

    it('GET /services lists every shop of the merchant, each as GET /service shows it', async () => {
      const merchant = await gw.newMerchant();
      const second = await gw.gateway.accounts.createShop(merchant.merchantId, { name: 'Second' });
      const res = await merchant.api.get<Array<{ service: Service }>>('/services');
      expect(res.status, res.text).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body.map((s) => s.service.id).sort()).toEqual([merchant.serviceId, second.id].sort());
      for (const entry of res.body) {
        expect(Object.keys(entry)).toEqual(['service']);
        const single = await merchant.api.get<{ service: Service }>(`/service/${entry.service.id}`);
        expect(entry.service).toEqual(single.body.service);
        expectServiceShape(entry.service, entry.service.id, { min: 1, max: 999_999_999 });
      }
    });

    it("POST /service/{id}/get-payment-methods: the card group and its channels, in imoje's shape", async () => {
      const res = await m.api.post<unknown[]>(`/service/${m.serviceId}/get-payment-methods`, {
        amount: 1000,
        currency: 'PLN',
        device: 'desktop',
        locale: 'pl',
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toHaveLength(1);
      const group = res.body[0] as Record<string, unknown>;
      expect(Object.keys(group).sort()).toEqual(['channels', 'image', 'isOnline', 'label', 'priority']);
      expect(group.isOnline).toBe(true);
      expect(typeof group.label).toBe('string');
      expect(group.priority).toBe(1);
      const channels = group.channels as Array<Record<string, unknown>>;
      expect(channels.map((c) => c.paymentMethodCode)).toEqual(CODES);
      for (const c of channels) {
        expect(Object.keys(c).sort()).toEqual(
          ['image', 'isOnline', 'label', 'paymentMethod', 'paymentMethodCode', 'priority'].sort(),
        );
        expect(c.paymentMethod).toBe('card');
        expect(c.isOnline).toBe(true);
        expect(Number.isInteger(c.priority)).toBe(true);
      }
      expectError(
        await m.api.post(`/service/${m.serviceId}/get-payment-methods`, { amount: 1000 }),
        422,
        'API-ERROR-100422',
        'currency',
      );
      expectError(
        await m.api.post(`/service/${m.serviceId}/get-payment-methods`, { amount: 0, currency: 'PLN' }),
        422,
        'API-ERROR-100422',
        'amount',
      );
    });

    describe('per-shop limits', () => {
      let shop: TestMerchant;
      let profileId: string;
      beforeAll(async () => {
        shop = await gw.newMerchant();
        const reg = await shop.api.post<TransactionResponse>('/transaction', saleBody(shop.serviceId));
        expect(reg.body.transaction.status).toBe('settled');
        profileId = reg.body.transaction.paymentProfile!.id;
        await gw.gateway.accounts.setLimits(shop.merchantId, shop.serviceId, {
          minTransaction: 100,
          maxTransaction: 500_000,
        });
      });

      it('GET /service and get-payment-methods show the configured limits', async () => {
        const res = await shop.api.get<{ service: Service }>(`/service/${shop.serviceId}`);
        expectServiceShape(res.body.service, shop.serviceId, { min: 100, max: 500_000 });
        const path = `/service/${shop.serviceId}/get-payment-methods`;
        for (const [amount, available] of [
          [99, false],
          [100, true],
          [500_000, true],
          [500_001, false],
        ] as const) {
          const methods = await shop.api.post<unknown[]>(path, { amount, currency: 'PLN' });
          expect(methods.status).toBe(200);
          expect(methods.body.length, `amount ${amount}`).toBe(available ? 1 : 0);
        }
      });

      const kinds: Array<[string, (amount: number) => Promise<{ status: number; body: unknown }>]> = [
        [
          'card sale (ecom3ds)',
          (amount) =>
            shop.api.post('/transaction', saleBody(shop.serviceId, { amount, paymentMethodCode: 'ecom3ds' })),
        ],
        [
          'card registration (oneclick)',
          (amount) => shop.api.post('/transaction', saleBody(shop.serviceId, { amount })),
        ],
        [
          'FIRST (without profile)',
          (amount) =>
            shop.api.post('/transaction', saleBody(shop.serviceId, { amount, profileType: 'FIRST' })),
        ],
        [
          'STANDARD (without profile)',
          (amount) =>
            shop.api.post(
              '/transaction',
              saleBody(
                shop.serviceId,
                { amount, profileType: 'STANDARD', paymentMethodCode: 'recurring' },
                { cvv: null, firstTransactionId: 'any-first-transaction' },
              ),
            ),
        ],
        [
          'profile debit',
          (amount) => shop.api.post('/transaction/profile', debitBody(shop.serviceId, profileId, { amount })),
        ],
      ];

      for (const [kind, pay] of kinds) {
        it(`${kind}: below the minimum or above the maximum is refused before the acquirer is asked`, async () => {
          const before = await authorizeAttempts();
          const stored = await storedTransactions();
          expectError(await pay(99), 400, 'TRX-ERROR-180400', 'amount');
          expectError(await pay(500_001), 400, 'TRX-ERROR-180401', 'amount');
          // The sandbox ledger shows no attempt, and no transaction was written.
          expect(await authorizeAttempts()).toBe(before);
          expect(await storedTransactions()).toBe(stored);
        });
      }

      it('the bounds themselves are accepted', async () => {
        for (const amount of [100, 500_000]) {
          const sale = await shop.api.post<TransactionResponse>(
            '/transaction',
            saleBody(shop.serviceId, { amount, paymentMethodCode: 'ecom3ds' }),
          );
          expect(sale.status, sale.text).toBe(200);
          expect(sale.body.transaction.status).toBe('settled');
          const debit = await shop.api.post<TransactionResponse>(
            '/transaction/profile',
            debitBody(shop.serviceId, profileId, { amount }),
          );
          expect(debit.status, debit.text).toBe(200);
          expect(debit.body.transaction.status).toBe('settled');
        }
      });

      it('another shop keeps the default limits', async () => {
        const res = await m.api.post<TransactionResponse>(
          '/transaction',
          saleBody(m.serviceId, { amount: 99, paymentMethodCode: 'ecom3ds' }),
        );
        expect(res.status, res.text).toBe(200);
      });
    });
  });
}
