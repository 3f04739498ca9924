import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { formatMoney } from '../../src/domain/money.js';
import { answerChallenge } from '../support/challenge.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { debitBody, saleBody, uniqueCid } from '../support/payloads.js';
import { expectError, type TransactionResponse } from '../support/wire.js';

// 31 January 2026, 10:00 UTC: a month-end start shows the calendar rule (the next month has no 31st).
const START = Date.UTC(2026, 0, 31, 10, 0, 0);

interface AgreementBody {
  agreement?: {
    id: string;
    status: string;
    frequencyDays: number;
    description: string;
    usage?: { cycles: number; lastDebitAt: string | null; nextDebitAt: string | null };
    [k: string]: unknown;
  };
}
type Registered = TransactionResponse & AgreementBody;

// Intl writes `PLN 49.00` with a no-break space; the pages write amounts through formatMoney.
const MONTHLY_TEXT = `${formatMoney(4900, 'PLN', 'en')} every month until 2026-12-01`;
const MONTHLY = {
  amount: 4900,
  currency: 'PLN',
  interval: { unit: 'month', count: 1 },
  expiresAt: '2026-12-01',
};

for (const db of DB_KINDS) {
  describe(`recurring agreements (${db})`, () => {
    let gw: TestGateway;
    const clock = new ManualClock(START);
    beforeAll(async () => {
      // The clock goes back between tests, which a token's rate bucket would read as a debt: no limit here.
      gw = await startGateway({ db, clock, env: { KARTOTEKA_RATE_LIMIT_PER_TOKEN: '0' } });
    });
    afterAll(async () => {
      await gw?.close();
    });
    beforeEach(() => clock.set(START));

    const ledgerOf = async (reference: string) =>
      (await gw.ledger.list()).filter((e) => e.reference === reference);
    const ledgerSize = async () => (await gw.ledger.list()).length;

    async function register(agreement: unknown, extra: Record<string, unknown> = {}, number?: string) {
      const m = gw.merchant;
      const body = saleBody(
        m.serviceId,
        {
          paymentMethodCode: 'recurring',
          amount: 4900,
          ...(agreement === undefined ? {} : { agreement }),
          ...extra,
        },
        number ? { number } : {},
      );
      return m.api.post<Registered>('/transaction', body);
    }

    async function registered(agreement: unknown) {
      const res = await register(agreement);
      expect(res.status, res.text).toBe(200);
      expect(res.body.transaction.status).toBe('settled');
      return res.body;
    }

    const debit = (profileId: string, overrides: Record<string, unknown> = {}) =>
      gw.merchant.api.post<TransactionResponse>(
        '/transaction/profile',
        debitBody(gw.merchant.serviceId, profileId, { amount: 4900, ...overrides }),
      );

    /** A refused debit: the envelope and code, and the acquirer was never asked (the ledger did not grow). */
    async function expectRefused(profileId: string, code: string, overrides: Record<string, unknown> = {}) {
      const before = await ledgerSize();
      const res = await debit(profileId, overrides);
      expectError(res, 400, code);
      expect(await ledgerSize()).toBe(before);
      return res;
    }

    it('a registration with an agreement answers it (extension field), and the acquirer got the EMV 3-D Secure recurring data', async () => {
      const body = await registered(MONTHLY);
      expect(body.agreement).toMatchObject({
        status: 'active',
        amount: 4900,
        currency: 'PLN',
        interval: { unit: 'month', count: 1 },
        expiresAt: '2026-12-01',
        frequencyDays: 28,
        description: MONTHLY_TEXT,
      });
      const [entry] = await ledgerOf(body.transaction.id);
      expect(JSON.parse(entry!.recurring!)).toEqual({
        frequencyDays: 28,
        expiry: '20261201',
        amount: 4900,
        amountType: 'fixed',
        currency: 'PLN',
        maxCycles: null,
      });
    });

    it('without an agreement the answer has no agreement field and the ledger no recurring data (imoje exactly)', async () => {
      const res = await register(undefined);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['transaction']);
      const [entry] = await ledgerOf(res.body.transaction.id);
      expect(entry!.recurring).toBeUndefined();
      // And any number of debits, at any moment, of any amount: imoje's behaviour.
      const profileId = res.body.transaction.paymentProfile!.id;
      for (const amount of [100, 99_999])
        expect((await debit(profileId, { amount })).body.transaction.status).toBe('settled');
    });

    it('refuses a wrong amount, a wrong currency and a debit before the interval, each before the acquirer; accepts at the exact boundary', async () => {
      const body = await registered(MONTHLY);
      const profileId = body.transaction.paymentProfile!.id;
      await expectRefused(profileId, 'AGR-ERROR-210400', { amount: 4901 });
      await expectRefused(profileId, 'AGR-ERROR-210401', { currency: 'EUR' });
      // First debit: right away (no startAt), the right amount.
      expect((await debit(profileId)).body.transaction.status).toBe('settled');
      // 31 January + 1 month = 28 February (00:00 UTC); one millisecond earlier is too early.
      clock.set(Date.UTC(2026, 1, 28) - 1);
      const early = await expectRefused(profileId, 'AGR-ERROR-210402');
      expect(JSON.stringify(early.body)).toContain('2026-02-28T00:00:00.000Z');
      clock.set(Date.UTC(2026, 1, 28));
      expect((await debit(profileId)).body.transaction.status).toBe('settled');
      // The interval counts from the latest debit (28 February → 28 March).
      clock.set(Date.UTC(2026, 2, 27, 23, 59));
      await expectRefused(profileId, 'AGR-ERROR-210402');
      clock.set(Date.UTC(2026, 2, 28, 0, 0, 1));
      expect((await debit(profileId)).body.transaction.status).toBe('settled');
      const read = await gw.http.get<AgreementBody>(
        `/kartoteka/v1/merchant/${gw.merchant.merchantId}/profiles/${profileId}/agreement`,
        { authorization: `Bearer ${gw.merchant.token}` },
      );
      expect(read.status, read.text).toBe(200);
      expect(read.body.agreement!.usage).toEqual({
        cycles: 3,
        lastDebitAt: new Date(Date.UTC(2026, 2, 28, 0, 0, 1)).toISOString(),
        nextDebitAt: '2026-04-28T00:00:00.000Z',
      });
    });

    it('a declined debit does not count: the interval runs from the last settled one', async () => {
      // 4485201817664006: first payment settled, later debits rejected.
      const res = await register(MONTHLY, {}, '4485201817664006');
      const profileId = res.body.transaction.paymentProfile!.id;
      expect((await debit(profileId)).body.transaction.status).toBe('rejected');
      // No settled debit yet, so a retry is allowed at once (and reaches the acquirer).
      const before = await ledgerSize();
      expect((await debit(profileId)).body.transaction.status).toBe('rejected');
      expect(await ledgerSize()).toBe(before + 1);
    });

    it('maxAmount: up to it is accepted, above refused; minDays: exactly that many days later is accepted', async () => {
      const body = await registered({ maxAmount: 10_000, currency: 'PLN', minDays: 10 });
      expect(body.agreement).toMatchObject({ maxAmount: 10_000, minDays: 10, frequencyDays: 10 });
      const profileId = body.transaction.paymentProfile!.id;
      await expectRefused(profileId, 'AGR-ERROR-210400', { amount: 10_001 });
      expect((await debit(profileId, { amount: 10_000 })).body.transaction.status).toBe('settled');
      clock.set(Date.UTC(2026, 1, 10) - 1);
      await expectRefused(profileId, 'AGR-ERROR-210402', { amount: 1 });
      clock.set(Date.UTC(2026, 1, 10));
      expect((await debit(profileId, { amount: 1 })).body.transaction.status).toBe('settled');
    });

    it('before startAt and after expiresAt are refused; the whole expiry day and the start day are allowed', async () => {
      const body = await registered({
        amount: 4900,
        currency: 'PLN',
        interval: { unit: 'week', count: 1 },
        startAt: '2026-02-02',
        expiresAt: '2026-02-10',
      });
      const profileId = body.transaction.paymentProfile!.id;
      await expectRefused(profileId, 'AGR-ERROR-210405');
      clock.set(Date.UTC(2026, 1, 2));
      expect((await debit(profileId)).body.transaction.status).toBe('settled');
      clock.set(Date.UTC(2026, 1, 10, 23, 59, 59, 999));
      expect((await debit(profileId)).body.transaction.status).toBe('settled');
      clock.set(Date.UTC(2026, 1, 17));
      await expectRefused(profileId, 'AGR-ERROR-210406');
    });

    it('maxCycles: the last allowed cycle is accepted, one more refused', async () => {
      const body = await registered({
        amount: 4900,
        currency: 'PLN',
        interval: { unit: 'day', count: 1 },
        maxCycles: 2,
      });
      const profileId = body.transaction.paymentProfile!.id;
      expect((await debit(profileId)).body.transaction.status).toBe('settled');
      clock.set(Date.UTC(2026, 1, 1));
      expect((await debit(profileId)).body.transaction.status).toBe('settled');
      clock.set(Date.UTC(2026, 1, 2));
      await expectRefused(profileId, 'AGR-ERROR-210407');
    });

    it('a yearly agreement from 29 February allows the next debit on 28 February', async () => {
      clock.set(Date.UTC(2028, 1, 29, 12));
      const body = await registered({ amount: 4900, currency: 'PLN', interval: { unit: 'year', count: 1 } });
      expect(body.agreement!.frequencyDays).toBe(365);
      const profileId = body.transaction.paymentProfile!.id;
      expect((await debit(profileId)).body.transaction.status).toBe('settled');
      clock.set(Date.UTC(2029, 1, 27, 23));
      await expectRefused(profileId, 'AGR-ERROR-210402');
      clock.set(Date.UTC(2029, 1, 28));
      expect((await debit(profileId)).body.transaction.status).toBe('settled');
    });

    it('concurrent debits of one agreement: exactly one passes the interval', async () => {
      const body = await registered(MONTHLY);
      const profileId = body.transaction.paymentProfile!.id;
      const results = await Promise.all(Array.from({ length: 6 }, () => debit(profileId)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 400, 400, 400, 400, 400]);
      const settled = (await gw.ledger.list()).filter(
        (e) =>
          e.storedCredential === 'subsequent' && results.some((r) => r.body.transaction?.id === e.reference),
      );
      expect(settled).toHaveLength(1);
    });

    it('a challenged registration carries the agreement through the 3-D Secure page to the acquirer', async () => {
      const res = await register(MONTHLY, {}, '4012001037141112');
      expect(res.status, res.text).toBe(200);
      expect(res.body.agreement!.status).toBe('pending');
      const page = await fetch(res.body.action!.url);
      const html = await page.text();
      expect(html).toContain(`<dd id="agreement">${MONTHLY_TEXT}</dd>`);
      await answerChallenge(res.body.action!.url, 'pass');
      const [entry] = await ledgerOf(res.body.transaction.id);
      expect(JSON.parse(entry!.recurring!)).toMatchObject({ frequencyDays: 28, expiry: '20261201' });
      const t = await gw.merchant.api.get<TransactionResponse>(`/transaction/${res.body.transaction.id}`);
      const profileId = t.body.transaction.paymentProfile!.id;
      await expectRefused(profileId, 'AGR-ERROR-210400', { amount: 100 });
    });

    it('invalid declarations are the envelope with AGR-ERROR-210422 and store nothing', async () => {
      const before = await ledgerSize();
      const cases: Array<[unknown, string]> = [
        [{ currency: 'PLN', interval: { unit: 'month' } }, 'agreement.amount'],
        [{ amount: 1, maxAmount: 2, currency: 'PLN', minDays: 3 }, 'agreement.amount'],
        [{ amount: 1, currency: 'PLN' }, 'agreement.interval'],
        [{ amount: 1, currency: 'PLN', minDays: 3, interval: { unit: 'day' } }, 'agreement.interval'],
        [{ amount: 1, currency: 'PLN', minDays: 3, expiresAt: '2026-02-30' }, 'agreement.expiresAt'],
        [{ amount: 1, currency: 'PLN', minDays: 3, expiresAt: '2025-12-31' }, 'agreement.expiresAt'],
        [
          { amount: 1, currency: 'PLN', minDays: 3, startAt: '2026-05-01', expiresAt: '2026-04-01' },
          'agreement.expiresAt',
        ],
      ];
      for (const [agreement, property] of cases) {
        expectError(await register(agreement), 422, 'AGR-ERROR-210422', property);
      }
      // Shapes the schema refuses: the API's validation envelope.
      expectError(await register({ amount: 1, currency: 'XXX', minDays: 3 }), 422, 'API-ERROR-100422');
      expectError(await register({ amount: 1, currency: 'PLN', interval: { unit: 'fortnight' } }), 422);
      // Only a recurring registration may declare one.
      expectError(
        await register(MONTHLY, { paymentMethodCode: 'oneclick' }),
        422,
        'AGR-ERROR-210422',
        'agreement',
      );
      expect(await ledgerSize()).toBe(before);
    });

    it('FIRST declares it, and every merchant-initiated STANDARD debit of that chain keeps to it', async () => {
      const m = gw.merchant;
      const first = await m.api.post<Registered>(
        '/transaction',
        saleBody(m.serviceId, {
          paymentMethodCode: 'recurring',
          profileType: 'FIRST',
          amount: 4900,
          agreement: { amount: 4900, currency: 'PLN', interval: { unit: 'month', count: 1 }, maxCycles: 1 },
        }),
      );
      expect(first.status, first.text).toBe(200);
      expect(first.body.agreement).toMatchObject({ status: 'active', maxCycles: 1 });
      const firstTransactionId = first.body.transaction.firstTransactionId!;
      const standard = (amount: number) =>
        m.api.post<TransactionResponse>(
          '/transaction',
          saleBody(
            m.serviceId,
            { paymentMethodCode: 'recurring', profileType: 'STANDARD', amount },
            { cvv: null, firstTransactionId },
          ),
        );
      const before = await ledgerSize();
      expectError(await standard(5000), 400, 'AGR-ERROR-210400');
      expect(await ledgerSize()).toBe(before);
      const ok = await standard(4900);
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body.transaction.status).toBe('settled');
      expect(Object.keys(ok.body)).toEqual(['transaction']);
      clock.set(Date.UTC(2026, 3, 1));
      expectError(await standard(4900), 400, 'AGR-ERROR-210407');
      expect(await ledgerSize()).toBe(before + 1);
      // A chain has no profile: its agreement is read by the FIRST payment's id.
      const path = `/kartoteka/v1/merchant/${m.merchantId}/transactions/${first.body.transaction.id}/agreement`;
      const read = await gw.http.get<AgreementBody>(path, { authorization: `Bearer ${m.token}` });
      expect(read.status, read.text).toBe(200);
      expect(read.body.agreement).toMatchObject({ status: 'active', maxCycles: 1 });
      expect(read.body.agreement!.usage).toMatchObject({ cycles: 1, nextDebitAt: null });
      const other = await gw.newMerchant();
      const theirs = `/kartoteka/v1/merchant/${other.merchantId}/transactions/${first.body.transaction.id}/agreement`;
      expectError(
        await gw.http.get(theirs, { authorization: `Bearer ${other.token}` }),
        404,
        'TRX-ERROR-110404',
      );
      const plainFirst = await m.api.post<Registered>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'recurring', profileType: 'FIRST' }),
      );
      expectError(
        await gw.http.get(
          `/kartoteka/v1/merchant/${m.merchantId}/transactions/${plainFirst.body.transaction.id}/agreement`,
          { authorization: `Bearer ${m.token}` },
        ),
        404,
        'AGR-ERROR-210404',
      );
      // STANDARD itself cannot declare one.
      const declared = await m.api.post(
        '/transaction',
        saleBody(
          m.serviceId,
          { paymentMethodCode: 'recurring', profileType: 'STANDARD', agreement: MONTHLY },
          { cvv: null, firstTransactionId },
        ),
      );
      expectError(declared, 422, 'AGR-ERROR-210422', 'agreement');
    });

    it('a shop that makes agreements mandatory refuses a recurring registration without one; others are unchanged', async () => {
      const other = await gw.newMerchant();
      await gw.gateway.accounts.updateShop(other.merchantId, other.serviceId, { agreementRequired: true });
      const before = await ledgerSize();
      const without = await other.api.post(
        '/transaction',
        saleBody(other.serviceId, { paymentMethodCode: 'recurring' }),
      );
      expectError(without, 422, 'AGR-ERROR-210403', 'agreement');
      const first = await other.api.post(
        '/transaction',
        saleBody(other.serviceId, { paymentMethodCode: 'recurring', profileType: 'FIRST' }),
      );
      expectError(first, 422, 'AGR-ERROR-210403');
      expect(await ledgerSize()).toBe(before);
      // OneClick and one-off payments need none.
      const oneclick = await other.api.post<TransactionResponse>(
        '/transaction',
        saleBody(other.serviceId, { paymentMethodCode: 'oneclick' }),
      );
      expect(oneclick.status).toBe(200);
      const withOne = await other.api.post<Registered>(
        '/transaction',
        saleBody(other.serviceId, { paymentMethodCode: 'recurring', amount: 4900, agreement: MONTHLY }),
      );
      expect(withOne.status, withOne.text).toBe(200);
      expect(withOne.body.agreement!.status).toBe('active');
    });

    it('the read endpoint: 404 for a profile without one or unknown, 401 without the token, other merchants see nothing', async () => {
      const plain = await register(undefined);
      const base = `/kartoteka/v1/merchant/${gw.merchant.merchantId}/profiles`;
      const auth = { authorization: `Bearer ${gw.merchant.token}` };
      expectError(
        await gw.http.get(`${base}/${plain.body.transaction.paymentProfile!.id}/agreement`, auth),
        404,
        'AGR-ERROR-210404',
      );
      expectError(
        await gw.http.get(`${base}/${crypto.randomUUID()}/agreement`, auth),
        404,
        'PRF-ERROR-130404',
      );
      const withOne = await registered(MONTHLY);
      const path = `${base}/${withOne.transaction.paymentProfile!.id}/agreement`;
      expectError(await gw.http.get(path), 401);
      const other = await gw.newMerchant();
      const theirs = `/kartoteka/v1/merchant/${other.merchantId}/profiles/${withOne.transaction.paymentProfile!.id}/agreement`;
      expectError(
        await gw.http.get(theirs, { authorization: `Bearer ${other.token}` }),
        404,
        'PRF-ERROR-130404',
      );
      expectError(await gw.http.get(path, { authorization: `Bearer ${other.token}` }), 401);
    });

    it('a retried registration whose first attempt died after storing it answers with its agreement too', async () => {
      const m = gw.merchant;
      const key = `agr-${uniqueCid()}`;
      const body = saleBody(m.serviceId, {
        paymentMethodCode: 'recurring',
        amount: 4900,
        agreement: MONTHLY,
      });
      const first = await m.api.post<Registered>('/transaction', body, { 'idempotency-key': key });
      expect(first.status, first.text).toBe(200);
      // As if the process died after the transaction was stored and before the answer was: in flight, lease over.
      const died = await gw.gateway.storage.db
        .updateTable('idempotencyKeys')
        .set({ state: 'in_flight', responseStatus: null, responseBody: null, leaseUntil: 0 })
        .where('key', '=', key)
        .executeTakeFirst();
      expect(Number(died.numUpdatedRows)).toBe(1);
      const retried = await m.api.post<Registered>('/transaction', body, { 'idempotency-key': key });
      expect(retried.status, retried.text).toBe(200);
      expect(retried.body.transaction.id).toBe(first.body.transaction.id);
      expect(retried.body.agreement).toEqual(first.body.agreement);
    });

    it('a re-registration of the same card without an agreement replaces it: the profile is then unbound', async () => {
      const cid = uniqueCid();
      const customer = { firstName: 'Jan', lastName: 'K', email: 'j@example.com', cid };
      const a = await register(MONTHLY, { customer });
      const profileId = a.body.transaction.paymentProfile!.id;
      await expectRefused(profileId, 'AGR-ERROR-210400', { amount: 1 });
      const b = await register(undefined, { customer });
      expect(b.body.transaction.paymentProfile!.id).toBe(profileId);
      expect((await debit(profileId, { amount: 1 })).body.transaction.status).toBe('settled');
    });
  });
}
