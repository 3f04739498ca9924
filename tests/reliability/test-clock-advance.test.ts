import { afterEach, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type StartOptions, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import { extensionApi, type ClockBody } from '../support/test-clock.js';
import { expectError, type TransactionResponse } from '../support/wire.js';
import { Receiver } from '../notifications/receiver.js';

const CHALLENGE_CARD = '4012001037141112';
const HOUR = 3_600_000;

for (const db of DB_KINDS) {
  describe(`${db}: advancing a test clock runs what falls due in between, in time order`, () => {
    let gw: TestGateway | undefined;
    let receiver: Receiver | undefined;
    afterEach(async () => {
      await gw?.close();
      await receiver?.close();
      gw = undefined;
      receiver = undefined;
    });

    async function setup(options: StartOptions = {}) {
      receiver = await Receiver.start();
      gw = await startGateway({ db, shop: { notificationUrl: receiver.url() }, ...options });
      const m = gw.merchant;
      return { gw, receiver, m, ext: extensionApi(gw, m), path: `/test-clock/${m.serviceId}` };
    }

    async function sale(g: TestGateway, cardNumber?: string, key?: string): Promise<string> {
      const res = await g.merchant.api.post<TransactionResponse>(
        '/transaction',
        saleBody(g.merchant.serviceId, {}, cardNumber ? { number: cardNumber } : {}),
        key ? { 'idempotency-key': key } : {},
      );
      expect(res.status).toBe(200);
      return res.body.transaction.id;
    }

    it('a notification retry, an abandoned challenge and an Idempotency-Key expire at their own moments', async () => {
      const { gw, receiver, m, ext, path } = await setup({ env: { KARTOTEKA_IDEMPOTENCY_TTL_HOURS: '1' } });
      const t0 = Date.parse(`${new Date().getUTCFullYear() + 1}-03-01T00:00:00Z`);
      expect((await ext.post(path, { frozenAt: new Date(t0).toISOString() })).status).toBe(200);
      const repos = gw.gateway.storage.repos;

      // The shop's receiver fails the first attempt of the first notification, then answers.
      receiver.answer = (n) => ({ status: n === 0 ? 500 : 200 });
      const paid = await sale(gw, undefined, 'kept-an-hour');
      await gw.gateway.worker.tick();
      expect(receiver.received).toHaveLength(1);
      const [note] = await repos.notifications.list({ transactionId: paid, limit: 5 });
      // The retry is due 10 s later in the shop's time; the worker doesn't send it by the wall clock.
      expect(note).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: t0 + 10_000 });
      await new Promise((r) => setTimeout(r, 50));
      await gw.gateway.worker.tick();
      expect(receiver.received).toHaveLength(1);

      const challenged = await sale(gw, CHALLENGE_CARD);
      const ttl = gw.gateway.config.challengeTtlMs;
      expect((await repos.transactions.getTransactionById(challenged))?.challengeExpiresAt).toBe(t0 + ttl);
      await gw.gateway.worker.tick();
      expect((await repos.transactions.getTransactionById(challenged))?.stage).toBe('challenge');

      // Up to one millisecond before the key's expiry: the retry went, the challenge expired, the key is kept.
      const first = await ext.post<ClockBody>(`${path}/advance`, { to: new Date(t0 + HOUR).toISOString() });
      expect(first.status).toBe(200);
      expect(first.body.advance).toMatchObject({
        handled: { 'challenge-expiry': 1, notifications: 2, 'idempotency-expiry': 0 },
      });
      const attempts = await repos.notifications.attempts(note!.id);
      expect(attempts.map((a) => [a.attemptedAt, a.httpStatus])).toEqual([
        [t0, 500],
        [t0 + 10_000, 200],
      ]);
      const expired = await repos.transactions.getTransactionById(challenged);
      // Expired the moment it was due (expiry is strictly after challengeExpiresAt), at the shop's time.
      expect(expired).toMatchObject({ status: 'rejected', statusCode: 'CODE_570', modifiedAt: t0 + ttl + 1 });
      const [expiredNote] = await repos.notifications.list({ transactionId: challenged, limit: 5 });
      expect(expiredNote).toMatchObject({
        status: 'delivered',
        createdAt: t0 + ttl + 1,
        deliveredAt: t0 + ttl + 1,
      });
      expect(await repos.idempotency.getKey(m.merchantId, 'kept-an-hour')).toBeDefined();
      // The receiver got them in the shop's time order: attempt 1, the retry, the expired challenge's.
      const order = receiver.received.map(
        (r) => (JSON.parse(r.body.toString()) as TransactionResponse).transaction.id,
      );
      expect(order).toEqual([paid, paid, challenged]);

      const second = await ext.post<ClockBody>(`${path}/advance`, { by: '1s' });
      expect(second.body.advance).toMatchObject({ steps: 2, handled: { 'idempotency-expiry': 1 } });
      expect(await repos.idempotency.getKey(m.merchantId, 'kept-an-hour')).toBeUndefined();
      expect(second.body.testClock.frozenAt).toBe(new Date(t0 + HOUR + 1000).toISOString());
    });

    it("the wall-clock worker leaves a test-clock shop's time-based work alone, whatever the wall clock says", async () => {
      const { gw, receiver, m, ext, path } = await setup({ env: { KARTOTEKA_IDEMPOTENCY_TTL_HOURS: '1' } });
      // Frozen three hours ago: by the wall clock its challenge, retry and key would all be overdue.
      const t0 = Date.now() - 3 * HOUR;
      await ext.post(path, { frozenAt: new Date(t0).toISOString() });
      receiver.answer = (n) => ({ status: n === 0 ? 500 : 200 });
      const paid = await sale(gw, undefined, 'old-key');
      const challenged = await sale(gw, CHALLENGE_CARD);
      for (let i = 0; i < 3; i++) await gw.gateway.worker.tick();
      expect(receiver.received).toHaveLength(1);
      const repos = gw.gateway.storage.repos;
      expect((await repos.transactions.getTransactionById(challenged))?.stage).toBe('challenge');
      expect(await repos.idempotency.getKey(m.merchantId, 'old-key')).toBeDefined();
      const [note] = await repos.notifications.list({ transactionId: paid, limit: 5 });
      expect(note).toMatchObject({ status: 'pending', attempts: 1 });

      // Back to real time: the same worker now finishes all three by the wall clock.
      expect((await ext.delete(path)).status).toBe(200);
      await gw.gateway.worker.tick();
      await gw.gateway.worker.tick();
      expect((await repos.transactions.getTransactionById(challenged))?.status).toBe('rejected');
      expect(await repos.idempotency.getKey(m.merchantId, 'old-key')).toBeUndefined();
      await receiver.waitFor(3);
    });

    it('two advances at once: the second is refused 409 while the first runs; delete too; then it works', async () => {
      const { gw, receiver, ext, path } = await setup();
      const t0 = Date.parse(`${new Date().getUTCFullYear() + 1}-01-01T00:00:00Z`);
      await ext.post(path, { frozenAt: new Date(t0).toISOString() });
      // The first attempt fails; the retry (10 s later, shop time) is answered slowly, during the advance.
      receiver.answer = (n) => (n === 0 ? { status: 500 } : { status: 200, delayMs: 400 });
      await sale(gw);
      await gw.gateway.worker.tick();
      expect(receiver.received).toHaveLength(1);

      const first = ext.post<ClockBody>(`${path}/advance`, { by: '1d' });
      await receiver.waitFor(2);
      const [second, deleted, third] = await Promise.all([
        ext.post(`${path}/advance`, { by: '1d' }),
        ext.delete(path),
        ext.post(`${path}/advance`, { by: '1mo' }),
      ]);
      expectError(second, 409, 'CLK-ERROR-230410');
      expectError(deleted, 409, 'CLK-ERROR-230410');
      expectError(third, 409, 'CLK-ERROR-230410');
      const running = await ext.get<ClockBody>(path);
      expect(running.body.testClock).toMatchObject({
        advancing: true,
        advancingTo: new Date(t0 + 86_400_000).toISOString(),
      });
      const done = await first;
      expect(done.status).toBe(200);
      expect(done.body.testClock).toEqual({
        serviceId: gw.merchant.serviceId,
        frozenAt: new Date(t0 + 86_400_000).toISOString(),
        advancingTo: null,
        advancing: false,
      });
      const again = await ext.post<ClockBody>(`${path}/advance`, { by: '1d' });
      expect(again.body.testClock.frozenAt).toBe(new Date(t0 + 2 * 86_400_000).toISOString());
    });

    it('an advance while the worker is still delivering a notification waits for it: sent once, not twice', async () => {
      const { gw, receiver, ext, path } = await setup();
      const t0 = Date.parse(`${new Date().getUTCFullYear() + 1}-05-01T00:00:00Z`);
      await ext.post(path, { frozenAt: new Date(t0).toISOString() });
      // The shop's receiver takes its time: the worker's delivery, at the frozen time, is in flight…
      receiver.answer = () => ({ status: 200, delayMs: 1500 });
      const paid = await sale(gw);
      const ticking = gw.gateway.worker.tick();
      await receiver.waitFor(1);
      // …when the clock is moved a day on, far past anything the delivery's claim would last in shop time.
      const advanced = await ext.post<ClockBody>(`${path}/advance`, { by: '1d' });
      await ticking;
      expect(advanced.status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received).toHaveLength(1);
      const [note] = await gw.gateway.storage.repos.notifications.list({ transactionId: paid, limit: 5 });
      expect(note).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: t0 });
    });

    it('a ten-year advance with a notification failing all the way finishes, its retries on their schedule', async () => {
      const { gw, receiver, ext, path } = await setup();
      receiver.answer = () => ({ status: 503 });
      const year = new Date().getUTCFullYear() + 1;
      const t0 = Date.parse(`${year}-01-01T00:00:00Z`);
      await ext.post(path, { frozenAt: new Date(t0).toISOString() });
      const paid = await sale(gw);
      const res = await ext.post<ClockBody>(`${path}/advance`, { by: '10y' });
      expect(res.status).toBe(200);
      expect(res.body.testClock.frozenAt).toBe(`${year + 10}-01-01T00:00:00.000Z`);
      const [note] = await gw.gateway.storage.repos.notifications.list({ transactionId: paid, limit: 5 });
      expect(note).toMatchObject({ status: 'failed', attempts: 23 });
      expect(receiver.received).toHaveLength(23);
      const attempts = await gw.gateway.storage.repos.notifications.attempts(note!.id);
      // 3× every 10 s, 5× every 5 min, 5× hourly, 5× every 6 h, 5× every 12 h (the first at once).
      const gaps = attempts.slice(1).map((a, i) => a.attemptedAt - attempts[i]!.attemptedAt);
      expect(gaps).toEqual([
        ...Array(2).fill(10_000),
        ...Array(5).fill(300_000),
        ...Array(5).fill(HOUR),
        ...Array(5).fill(6 * HOUR),
        ...Array(5).fill(12 * HOUR),
      ]);
      expect(attempts[0]!.attemptedAt).toBe(t0);
    });
  });
}
