import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import { extensionApi, type ClockBody } from '../support/test-clock.js';
import type { TransactionResponse } from '../support/wire.js';
import { Receiver } from '../notifications/receiver.js';
import type { KartotekaEvent, ScheduleJson } from '../recurring/support.js';

const DAY = 86_400_000;
const YEAR = new Date().getUTCFullYear() + 1;
/** A card valid through every advance here. */
const CARD = { number: '4111111111111111', month: '12', year: String(YEAR + 15) };

for (const db of DB_KINDS) {
  describe(`${db}: a monthly schedule run by advancing the shop's test clock`, () => {
    let gw: TestGateway;
    let receiver: Receiver;
    beforeAll(async () => {
      receiver = await Receiver.start();
      // The worker is off: whatever is charged or delivered here, the advance did.
      gw = await startGateway({ db, shop: { notificationUrl: receiver.url() } });
    });
    afterAll(async () => {
      await gw?.close();
      await receiver?.close();
    });

    async function registerAndSchedule(m = gw.merchant, startAt: number) {
      const reg = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'recurring' }, CARD),
      );
      expect(reg.body.transaction.status, reg.text).toBe('settled');
      const res = await extensionApi(gw, m).post<{ schedule: ScheduleJson }>('/schedules', {
        paymentProfileId: reg.body.transaction.paymentProfile!.id,
        amount: 4900,
        currency: 'PLN',
        title: 'Monthly plan',
        interval: { unit: 'month', count: 1 },
        startAt: startAt / 1000,
      });
      expect(res.status, res.text).toBe(200);
      return { registration: reg.body.transaction.id, schedule: res.body.schedule };
    }

    /** The schedule's debits as the gateway stored them and as the sandbox acquirer recorded them. */
    async function debitsOf(scheduleId: string) {
      const attempts = await gw.gateway.storage.repos.schedules.listAttempts(scheduleId);
      const ids = new Set(attempts.map((a) => a.transactionId));
      const ledger = (await gw.ledger.list()).filter(
        (e) => e.operation === 'authorize' && ids.has(e.reference),
      );
      const transactions = await Promise.all(
        [...ids].map((id) => gw.gateway.storage.repos.transactions.getTransactionById(id)),
      );
      return { attempts, ledger, transactions };
    }

    it('13 months in one advance: 13 debits at their due times, a notice 7 days before each, all delivered in order', async () => {
      const m = gw.merchant;
      const ext = extensionApi(gw, m);
      const t0 = Date.UTC(YEAR, 0, 15, 10);
      expect(
        (await ext.post(`/test-clock/${m.serviceId}`, { frozenAt: new Date(t0).toISOString() })).status,
      ).toBe(200);
      const start = Date.UTC(YEAR, 0, 31, 9); // the 31st: calendar months clamp (Feb 28, Apr 30, …)
      const { registration, schedule } = await registerAndSchedule(m, start);

      const res = await ext.post<ClockBody>(`/test-clock/${m.serviceId}/advance`, {
        to: new Date(Date.UTC(YEAR + 1, 1, 15)).toISOString(),
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.advance!.handled).toMatchObject({ cycles: 13, notices: 13 });

      const expectedDue = Array.from({ length: 13 }, (_, i) => {
        const y = YEAR + Math.floor(i / 12);
        const month = i % 12;
        const last = new Date(Date.UTC(y, month + 1, 0)).getUTCDate();
        return Date.UTC(y, month, Math.min(31, last), 9);
      });
      const { attempts, ledger, transactions } = await debitsOf(schedule.id);
      expect(attempts).toHaveLength(13);
      // Each debit once at the acquirer, approved; each created at its cycle's due time, in the shop's time.
      expect(ledger).toHaveLength(13);
      expect(new Set(ledger.map((e) => e.reference)).size).toBe(13);
      expect(ledger.every((e) => e.outcome === 'approved')).toBe(true);
      expect(transactions.map((t) => t!.createdAt).sort((a, b) => a - b)).toEqual(expectedDue);
      expect(transactions.every((t) => t!.status === 'settled')).toBe(true);

      const s = (await ext.get<{ schedule: ScheduleJson }>(`/schedules/${schedule.id}`)).body.schedule;
      expect(s).toMatchObject({ status: 'active', cycle: 14, cyclesSettled: 13 });

      // Delivered by the advance itself, in the shop's time order: notice, then charge, for every cycle.
      const bodies = receiver.received.map(
        (r) =>
          JSON.parse(r.body.toString('utf8')) as { kartoteka?: KartotekaEvent; transaction?: { id: string } },
      );
      const events = bodies.filter((b) => b.kartoteka?.schedule.id === schedule.id).map((b) => b.kartoteka!);
      const expected: string[] = [];
      for (let n = 1; n <= 13; n++)
        expected.push(`schedule.cycle.upcoming#${n}`, `schedule.cycle.settled#${n}`);
      expect(events.map((e) => `${e.event}#${e.cycle?.number}`)).toEqual(expected);
      for (let n = 1; n <= 13; n++) {
        expect(events[2 * (n - 1)]!.created * 1000).toBe(expectedDue[n - 1]! - 7 * DAY);
        expect(events[2 * n - 1]!.created * 1000).toBe(expectedDue[n - 1]!);
      }
      // Every notification of the shop (the registration's, each debit's, each event) went out, in time order.
      const rows = await gw.gateway.storage.repos.notifications.list({
        merchantId: m.merchantId,
        limit: 200,
      });
      expect(rows).toHaveLength(1 + 13 + 26);
      expect(rows.every((r) => r.status === 'delivered')).toBe(true);
      expect(receiver.received).toHaveLength(rows.length);
      const byArrival = bodies.map((b) =>
        b.kartoteka
          ? b.kartoteka.created * 1000
          : (transactions.find((t) => t!.id === b.transaction?.id)?.createdAt ?? t0),
      );
      expect(byArrival).toEqual([...byArrival].sort((a, b) => a - b));
      expect(bodies[0]!.transaction?.id).toBe(registration);

      // Advancing again to the same moment charges nothing more.
      const again = await ext.post<ClockBody>(`/test-clock/${m.serviceId}/advance`, {});
      expect(again.body.advance!.handled).toMatchObject({ cycles: 0, notices: 0 });
      expect((await debitsOf(schedule.id)).ledger).toHaveLength(13);
    });

    it(
      'ten years of a monthly schedule in one advance: 120 debits, each once',
      { timeout: 120_000 },
      async () => {
        // No notification URL: only the debits' own cost per step.
        const m = await gw.newMerchant();
        const ext = extensionApi(gw, m);
        const t0 = Date.UTC(YEAR, 0, 1);
        await ext.post(`/test-clock/${m.serviceId}`, { frozenAt: new Date(t0).toISOString() });
        const { schedule } = await registerAndSchedule(m, Date.UTC(YEAR, 0, 10));
        const res = await ext.post<ClockBody>(`/test-clock/${m.serviceId}/advance`, { by: '10y' });
        expect(res.status, res.text).toBe(200);
        expect(res.body.testClock.frozenAt).toBe(`${YEAR + 10}-01-01T00:00:00.000Z`);
        const { attempts, ledger } = await debitsOf(schedule.id);
        expect(attempts).toHaveLength(120);
        expect(ledger).toHaveLength(120);
        expect(new Set(ledger.map((e) => e.reference)).size).toBe(120);
      },
    );

    it("the wall-clock worker doesn't charge a test-clock shop's schedule by the wall clock", async () => {
      const m = await gw.newMerchant();
      const ext = extensionApi(gw, m);
      // Frozen a year ago: by the wall clock, every cycle of the past year would be due.
      const t0 = Math.floor(Date.now() / 1000) * 1000 - 365 * DAY;
      await ext.post(`/test-clock/${m.serviceId}`, { frozenAt: new Date(t0).toISOString() });
      const { schedule } = await registerAndSchedule(m, t0 + DAY);
      for (let i = 0; i < 3; i++) await gw.gateway.worker.tick();
      expect((await debitsOf(schedule.id)).attempts).toHaveLength(0);
      // Advancing the shop's clock past the first cycle charges it, at the shop's time, once.
      await ext.post(`/test-clock/${m.serviceId}/advance`, { by: '1d' });
      const { attempts, transactions } = await debitsOf(schedule.id);
      expect(attempts).toHaveLength(1);
      expect(transactions[0]!.createdAt).toBe(t0 + DAY);
    });
  });
}
