import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { Http } from '../support/http.js';
import { debitBody, saleBody } from '../support/payloads.js';
import { expectError, type TransactionResponse } from '../support/wire.js';
import { extensionApi, unixSeconds, type ClockBody } from '../support/test-clock.js';
import { Receiver } from '../notifications/receiver.js';

for (const db of DB_KINDS) {
  describe(`${db}: a shop's test clock — freeze, read, advance, delete`, () => {
    let gw: TestGateway;
    let ext: Http;
    let path: string;
    beforeAll(async () => {
      gw = await startGateway({ db });
      ext = extensionApi(gw, gw.merchant);
      path = `/test-clock/${gw.merchant.serviceId}`;
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('reads 404 without a clock, freezes at a given time, refuses a second one', async () => {
      expectError(await ext.get(path), 404, 'CLK-ERROR-230404');
      const frozen = await ext.post<ClockBody>(path, { frozenAt: '2030-01-31T10:00:00Z' });
      expect(frozen.status).toBe(200);
      expect(frozen.body.testClock).toEqual({
        serviceId: gw.merchant.serviceId,
        frozenAt: '2030-01-31T10:00:00.000Z',
        advancingTo: null,
        advancing: false,
      });
      expect((await ext.get<ClockBody>(path)).body).toEqual(frozen.body);
      expectError(await ext.post(path, {}), 409, 'CLK-ERROR-230409');
      const other = await gw.newMerchant();
      const otherPath = `/test-clock/${other.serviceId}`;
      expectError(
        await extensionApi(gw, other).post(otherPath, { frozenAt: '1969-12-31' }),
        422,
        'API-ERROR-100422',
        'frozenAt',
      );
      expectError(
        await extensionApi(gw, other).post(otherPath, { frozenAt: 'tomorrow' }),
        422,
        'API-ERROR-100422',
        'frozenAt',
      );
      expectError(
        await extensionApi(gw, other).post(otherPath, { frozenAt: '2030-01-01', later: 1 }),
        422,
        'API-ERROR-100422',
      );
    });

    it('advances by calendar months (clamped to the month end), by ISO 8601 durations, and to a date', async () => {
      const month = await ext.post<ClockBody>(`${path}/advance`, { by: '1mo' });
      expect(month.status).toBe(200);
      expect(month.body.testClock.frozenAt).toBe('2030-02-28T10:00:00.000Z');
      expect(month.body.advance).toMatchObject({
        from: '2030-01-31T10:00:00.000Z',
        to: '2030-02-28T10:00:00.000Z',
      });
      const iso = await ext.post<ClockBody>(`${path}/advance`, { by: 'P1DT2H' });
      expect(iso.body.testClock.frozenAt).toBe('2030-03-01T12:00:00.000Z');
      const to = await ext.post<ClockBody>(`${path}/advance`, { to: '2031-01-01' });
      expect(to.body.testClock.frozenAt).toBe('2031-01-01T00:00:00.000Z');
      const short = await ext.post<ClockBody>(`${path}/advance`, { by: '1y2w3d4h5min6s' });
      expect(short.body.testClock.frozenAt).toBe('2032-01-18T04:05:06.000Z');
      // Nothing at all: nothing interrupted to finish, the clock stays.
      const none = await ext.post<ClockBody>(`${path}/advance`);
      expect(none.status).toBe(200);
      expect(none.body.testClock.frozenAt).toBe('2032-01-18T04:05:06.000Z');
    });

    it('refuses going back, bad durations and dates, and both by and to, with the envelope', async () => {
      expectError(
        await ext.post(`${path}/advance`, { to: '2031-06-01T00:00:00Z' }),
        422,
        'CLK-ERROR-230422',
        'to',
      );
      expectError(await ext.post(`${path}/advance`, { by: '1m' }), 422, 'API-ERROR-100422', 'by');
      expectError(await ext.post(`${path}/advance`, { by: 'soon' }), 422, 'API-ERROR-100422', 'by');
      expectError(
        await ext.post(`${path}/advance`, { to: '2040-01-01T00:00:00' }),
        422,
        'API-ERROR-100422',
        'to',
      );
      expectError(await ext.post(`${path}/advance`, { by: '1d', to: '2040-01-01' }), 422, 'API-ERROR-100422');
      expectError(await ext.post(`${path}/advance`, { by: '100000y' }), 422, 'CLK-ERROR-230422');
      expectError(await ext.post(`${path}/advance`, { later: '1d' }), 422, 'API-ERROR-100422');
      expect((await ext.get<ClockBody>(path)).body.testClock.frozenAt).toBe('2032-01-18T04:05:06.000Z');
    });

    it("another merchant's token is 401; another merchant's service is 404; an unknown service is 404", async () => {
      const other = await gw.newMerchant();
      const foreign = new Http(`${gw.url}/kartoteka/v1/merchant/${gw.merchant.merchantId}`, {
        authorization: `Bearer ${other.token}`,
      });
      expectError(await foreign.get(path), 401, 'API-ERROR-100401');
      expectError(await extensionApi(gw, other).get(path), 404, 'SRV-ERROR-200404');
      expectError(await ext.get('/test-clock/00000000-0000-4000-8000-000000000000'), 404, 'SRV-ERROR-200404');
      // The extension prefix is not imoje's: nothing of it answers under /v1/merchant.
      expectError(await gw.merchant.api.get(path), 404, 'API-ERROR-100404');
    });

    it('delete returns the shop to real time', async () => {
      const deleted = await ext.delete(path);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ testClock: null });
      expectError(await ext.get(path), 404, 'CLK-ERROR-230404');
      expectError(await ext.delete(path), 404, 'CLK-ERROR-230404');
      const sale = await gw.merchant.api.post<TransactionResponse>(
        '/transaction',
        saleBody(gw.merchant.serviceId),
      );
      expect(Math.abs(sale.body.transaction.created - Date.now() / 1000)).toBeLessThan(60);
    });
  });

  describe(`${db}: what a shop does under its test clock carries the clock's time`, () => {
    let gw: TestGateway;
    let receiver: Receiver;
    beforeAll(async () => {
      receiver = await Receiver.start();
      gw = await startGateway({ db, shop: { notificationUrl: receiver.url() } });
    });
    afterAll(async () => {
      await gw?.close();
      await receiver?.close();
    });

    it('payments, their notifications and Idempotency-Keys: the frozen time; another shop: real time', async () => {
      const m = gw.merchant;
      const ext = extensionApi(gw, m);
      // Within the test card's validity (it expires in FUTURE_YEAR).
      const frozenAt = `${new Date().getUTCFullYear() + 1}-05-05T12:00:00.000Z`;
      expect((await ext.post(`/test-clock/${m.serviceId}`, { frozenAt })).status).toBe(200);
      const at = Date.parse(frozenAt);

      const reg = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId), {
        'idempotency-key': 'under-the-clock',
      });
      expect(reg.status).toBe(200);
      expect(reg.body.transaction).toMatchObject({ status: 'settled', created: unixSeconds(frozenAt) });
      expect(reg.body.transaction.modified).toBe(unixSeconds(frozenAt));
      const stored = await gw.gateway.storage.repos.transactions.getTransactionById(reg.body.transaction.id);
      expect(stored).toMatchObject({ createdAt: at, modifiedAt: at });
      // The attempt's deadline is real time: the acquirer keeps real time.
      expect(Math.abs(stored!.acquirerDeadline! - Date.now())).toBeLessThan(10 * 60_000);
      const key = await gw.gateway.storage.repos.idempotency.getKey(m.merchantId, 'under-the-clock');
      expect(key).toMatchObject({
        clockShopId: m.serviceId,
        expiresAt: at + gw.gateway.config.idempotencyTtlMs,
      });

      // The profile debit too, after the clock moved a day.
      await ext.post(`/test-clock/${m.serviceId}/advance`, { by: '1d' });
      const profileId = reg.body.transaction.paymentProfile!.id;
      const debit = await m.api.post<TransactionResponse>(
        '/transaction/profile',
        debitBody(m.serviceId, profileId),
      );
      expect(debit.body.transaction).toMatchObject({
        status: 'settled',
        created: unixSeconds(frozenAt) + 86_400,
      });

      // The registration's notification went out with the advance, before the clock moved (it was due
      // then); the debit's goes out with the worker's next round, at once, at the shop's time.
      expect(receiver.received).toHaveLength(1);
      await gw.gateway.worker.tick();
      await receiver.waitFor(2);
      const rows = await gw.gateway.storage.repos.notifications.list({ merchantId: m.merchantId, limit: 10 });
      expect(rows.map((r) => [r.createdAt, r.deliveredAt]).sort()).toEqual([
        [at, at],
        [at + 86_400_000, at + 86_400_000],
      ]);
      const bodies = receiver.received.map((r) => JSON.parse(r.body.toString('utf8')) as TransactionResponse);
      expect(bodies.map((b) => b.transaction.created)).toEqual([
        unixSeconds(frozenAt),
        unixSeconds(frozenAt) + 86_400,
      ]);

      // A refund too (and its Idempotency-Key expires at the shop's time).
      const refund = await m.api.post<TransactionResponse>(
        `/transaction/${debit.body.transaction.id}/refund`,
        { type: 'refund', serviceId: m.serviceId, amount: 100 },
        { 'idempotency-key': 'refund-under-the-clock' },
      );
      expect(refund.status, refund.text).toBe(200);
      expect(refund.body.transaction).toMatchObject({
        type: 'refund',
        status: 'settled',
        created: unixSeconds(frozenAt) + 86_400,
        modified: unixSeconds(frozenAt) + 86_400,
      });
      expect(
        await gw.gateway.storage.repos.idempotency.getKey(m.merchantId, 'refund-under-the-clock'),
      ).toMatchObject({
        clockShopId: m.serviceId,
        expiresAt: at + 86_400_000 + gw.gateway.config.idempotencyTtlMs,
      });

      // A shop without a clock is untouched.
      const other = await gw.newMerchant();
      const real = await other.api.post<TransactionResponse>('/transaction', saleBody(other.serviceId));
      expect(Math.abs(real.body.transaction.created - Date.now() / 1000)).toBeLessThan(60);
    });

    it('a card valid today but expired at the frozen time is refused as expired', async () => {
      const m = await gw.newMerchant();
      const year = new Date().getUTCFullYear() + 1;
      expect(
        (await extensionApi(gw, m).post(`/test-clock/${m.serviceId}`, { frozenAt: `${year + 1}-06-01` }))
          .status,
      ).toBe(200);
      const res = await m.api.post(
        '/transaction',
        saleBody(m.serviceId, {}, { year: String(year), month: '01' }),
      );
      expectError(res, 422, 'TRX-ERROR-110423');
    });
  });

  describe(`${db}: production mode refuses test clocks`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({
        db,
        env: { KARTOTEKA_MODE: 'production', KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'on' },
      });
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('every test-clock endpoint answers 403 CLK-ERROR-230403, and nothing is stored', async () => {
      const ext = extensionApi(gw, gw.merchant);
      const path = `/test-clock/${gw.merchant.serviceId}`;
      expectError(await ext.post(path, { frozenAt: '2030-01-01' }), 403, 'CLK-ERROR-230403');
      expectError(await ext.get(path), 403, 'CLK-ERROR-230403');
      expectError(await ext.post(`${path}/advance`, { by: '1mo' }), 403, 'CLK-ERROR-230403');
      expectError(await ext.delete(path), 403, 'CLK-ERROR-230403');
      const row = await gw.gateway.storage.repos.testClocks.get(
        gw.merchant.merchantId,
        gw.merchant.serviceId,
      );
      expect(row?.at).toBeNull();
    });
  });
}
