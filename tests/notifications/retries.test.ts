import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { deliveryTask } from '../../src/notifications/delivery-task.js';
import { delayBeforeAttempt, MAX_ATTEMPTS } from '../../src/notifications/retry-schedule.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type StartOptions, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import { Receiver } from './receiver.js';

for (const db of DB_KINDS) {
  describe(`${db}: retries, timeouts, redirects and claims`, () => {
    let receiver: Receiver | undefined;
    let gw: TestGateway | undefined;
    const clock = new ManualClock();

    afterEach(async () => {
      await gw?.close();
      await receiver?.close();
      gw = undefined;
      receiver = undefined;
    });

    async function setup(options: StartOptions = {}): Promise<{ gw: TestGateway; receiver: Receiver }> {
      receiver = await Receiver.start();
      gw = await startGateway({ db, clock, shop: { notificationUrl: receiver.url() }, ...options });
      return { gw, receiver };
    }

    async function pay(g: TestGateway): Promise<string> {
      const res = await g.merchant.api.post<{ transaction: { id: string } }>(
        '/transaction',
        saleBody(g.merchant.serviceId),
      );
      expect(res.status).toBe(200);
      return res.body.transaction.id;
    }

    async function notificationOf(g: TestGateway, transactionId: string) {
      const rows = await g.gateway.storage.repos.notifications.list({ transactionId, limit: 10 });
      expect(rows).toHaveLength(1);
      return rows[0]!;
    }

    /** Moves the clock to just before attempt `n` is due (nothing is sent), then to its due time (it is). */
    async function stepTo(g: TestGateway, r: Receiver, n: number): Promise<void> {
      const delay = delayBeforeAttempt(n);
      const before = r.received.length;
      if (delay > 0) {
        clock.advance(delay - 1);
        await g.gateway.worker.tick();
        expect(r.received.length).toBe(before);
        clock.advance(1);
      }
      await g.gateway.worker.tick();
      expect(r.received.length).toBe(before + 1);
    }

    it('a shop failing 4 times then answering 200: attempts follow the schedule, then delivered', async () => {
      const { gw, receiver } = await setup();
      receiver.answer = (n) => ({ status: n < 4 ? 500 : 200 });
      const id = await pay(gw);
      const start = clock.now();
      for (let n = 1; n <= 5; n++) await stepTo(gw, receiver, n);

      const row = await notificationOf(gw, id);
      expect(row.status).toBe('delivered');
      expect(row.attempts).toBe(5);
      expect(row.deliveredAt).toBe(start + 10_000 + 10_000 + 300_000 + 300_000);
      const attempts = await gw.gateway.storage.repos.notifications.attempts(row.id);
      expect(attempts.map((a) => a.httpStatus)).toEqual([500, 500, 500, 500, 200]);
      expect(attempts.map((a) => a.error)).toEqual(['HTTP 500', 'HTTP 500', 'HTTP 500', 'HTTP 500', null]);
      expect(attempts.map((a) => a.attemptedAt - start)).toEqual([0, 10_000, 20_000, 320_000, 620_000]);
      // Every attempt carries the very same bytes and signature.
      const bodies = new Set(receiver.received.map((r) => r.body.toString('base64')));
      const signatures = new Set(receiver.received.map((r) => r.headers['x-imoje-signature']));
      expect([bodies.size, signatures.size]).toEqual([1, 1]);

      clock.advance(48 * 3_600_000);
      await gw.gateway.worker.tick();
      expect(receiver.received).toHaveLength(5);
    });

    it('a shop that never answers 2xx: failed after the 23rd attempt, then left alone', async () => {
      const { gw, receiver } = await setup();
      receiver.answer = () => ({ status: 503 });
      const id = await pay(gw);
      const start = clock.now();
      for (let n = 1; n <= MAX_ATTEMPTS; n++) {
        await stepTo(gw, receiver, n);
        const row = await notificationOf(gw, id);
        expect([row.status, row.attempts]).toEqual([n < MAX_ATTEMPTS ? 'pending' : 'failed', n]);
      }
      const row = await notificationOf(gw, id);
      expect(row.lastError).toBe('HTTP 503');
      expect(row.deliveredAt).toBeNull();
      const attempts = await gw.gateway.storage.repos.notifications.attempts(row.id);
      expect(attempts).toHaveLength(23);
      // 2×10 s + 5×5 min + 5×60 min + 5×6 h + 5×12 h after the first attempt.
      expect(attempts.at(-1)!.attemptedAt - start).toBe(
        20_000 + 25 * 60_000 + 5 * 3_600_000 + 90 * 3_600_000,
      );

      clock.advance(7 * 24 * 3_600_000);
      await gw.gateway.worker.tick();
      expect(receiver.received).toHaveLength(23);
    });

    it('a slow shop times out: a failed attempt with no status, retried later', async () => {
      const { gw, receiver } = await setup({ env: { KARTOTEKA_NOTIFY_TIMEOUT_MS: '300' } });
      receiver.answer = (n) => (n === 0 ? { status: 200, delayMs: 2000 } : { status: 200 });
      const id = await pay(gw);
      await gw.gateway.worker.tick();
      const row = await notificationOf(gw, id);
      expect([row.status, row.attempts, row.lastError]).toEqual(['pending', 1, 'timed out after 300 ms']);
      const [attempt] = await gw.gateway.storage.repos.notifications.attempts(row.id);
      expect(attempt).toMatchObject({ httpStatus: null, error: 'timed out after 300 ms' });
      expect(attempt!.durationMs).toBeGreaterThanOrEqual(290);
      expect(attempt!.durationMs).toBeLessThan(2000);

      clock.advance(10_000);
      await gw.gateway.worker.tick();
      expect((await notificationOf(gw, id)).status).toBe('delivered');
    });

    it('a redirect is not followed and counts as a failure', async () => {
      const { gw, receiver } = await setup();
      receiver.answer = (_n, path) =>
        path === '/notify'
          ? { status: 302, headers: { location: receiver!.url('/elsewhere') } }
          : { status: 200 };
      const id = await pay(gw);
      await gw.gateway.worker.tick();
      const row = await notificationOf(gw, id);
      expect([row.status, row.lastError]).toEqual(['pending', 'HTTP 302 (redirects are not followed)']);
      const [attempt] = await gw.gateway.storage.repos.notifications.attempts(row.id);
      expect(attempt?.httpStatus).toBe(302);
      expect(receiver.received.map((r) => r.path)).toEqual(['/notify']);
    });

    it('a refused connection is recorded as a failed attempt', async () => {
      const { gw } = await setup();
      await receiver!.close();
      receiver = undefined;
      const id = await pay(gw);
      await gw.gateway.worker.tick();
      const row = await notificationOf(gw, id);
      expect(row.status).toBe('pending');
      expect(row.lastError).toMatch(/^ECONNREFUSED/);
    });

    it('two workers on one database never send an acknowledged notification twice', async () => {
      const { gw, receiver } = await setup();
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await pay(gw));
      const deps = {
        storage: gw.gateway.storage,
        clock,
        log: gw.gateway.log,
        mode: 'sandbox' as const,
        timeoutMs: 5000,
      };
      const a = deliveryTask(deps, { batchSize: 2 });
      const b = deliveryTask(deps, { batchSize: 2 });
      for (let round = 0; round < 4; round++) await Promise.all([a.run(), b.run(), a.run(), b.run()]);
      const sent = receiver
        .acknowledged()
        .map((r) => (JSON.parse(r.body.toString()) as { payment: { id: string } }).payment.id);
      expect(sent.sort()).toEqual([...ids].sort());
      for (const id of ids) expect((await notificationOf(gw, id)).status).toBe('delivered');
    });

    it('a worker whose claim expired cannot overwrite the new owner’s outcome', async () => {
      const { gw, receiver } = await setup();
      const id = await pay(gw);
      const repo = gw.gateway.storage.repos.notifications;
      const now = clock.now();
      const [claimed] = await repo.claimDue(now, { owner: 'worker-a', until: now + 1000, wallNow: now }, 10);
      expect(claimed?.transactionId).toBe(id);
      expect(await repo.claimDue(now, { owner: 'worker-b', until: now + 1000, wallNow: now }, 10)).toEqual(
        [],
      ); // held by a
      clock.advance(1001);
      await gw.gateway.worker.tick(); // the gateway's own worker takes over the expired claim and delivers
      expect(receiver.acknowledged()).toHaveLength(1);
      const late = await repo.settle(claimed!.id, 'worker-a', {
        status: 'pending',
        attempts: 1,
        nextAttemptAt: now + 10_000,
        lastError: 'HTTP 500',
        deliveredAt: null,
      });
      expect(late).toBe(false);
      expect((await notificationOf(gw, id)).status).toBe('delivered');
    });

    it('the in-server worker sends right after a status change, without waiting for its poll', async () => {
      receiver = await Receiver.start();
      gw = await startGateway({
        db,
        worker: true,
        env: { KARTOTEKA_WORKER_POLL_MS: '60000' },
        shop: { notificationUrl: receiver.url() },
      });
      await new Promise((r) => setTimeout(r, 200)); // the start-up round has run; the next poll is a minute away
      const id = await pay(gw);
      const t0 = Date.now();
      await receiver.waitFor(1, 3000);
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(JSON.parse(receiver.received[0]!.body.toString())).toMatchObject({ payment: { id } });
    });
  });
}
