import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isScheduleEvent, verifyNotification } from '../../packages/sdk/src/index.js';
import { DB_KINDS } from '../support/databases.js';
import { attemptTransactions, DAY, recurringRig, type RecurringRig } from './support.js';

const T0 = Date.UTC(2027, 0, 15, 10);

for (const db of DB_KINDS) {
  describe(`a monthly schedule over 13 months (${db})`, () => {
    let rig: RecurringRig;
    beforeAll(async () => {
      rig = await recurringRig(db, T0);
    });
    afterAll(async () => {
      await rig?.close();
    });

    it('charges exactly 13 cycles, each once, with one notice 7 days before each, delivered in order', async () => {
      const profileId = await rig.register({ number: '4111111111111111', month: '12', year: '2030' });
      const start = Date.UTC(2027, 0, 31, 9); // the 31st: calendar months clamp (Feb 28, Apr 30, …)
      const created = await rig.createSchedule({
        paymentProfileId: profileId,
        amount: 4900,
        currency: 'PLN',
        title: 'Monthly plan',
        interval: { unit: 'month', count: 1 },
        startAt: start / 1000,
      });
      expect(created.status).toBe('active');
      expect(created.nextChargeAt).toBe(start / 1000);

      // Run it at every due moment for 13 months; calling a runner again at the same moment does nothing more.
      const end = Date.UTC(2028, 1, 15);
      await rig.advanceTo(end);
      const ids = await attemptTransactions(rig, created.id);
      expect(ids.size).toBe(13);
      const ledger = await rig.ledgerFor(ids);
      expect(ledger).toHaveLength(13);
      expect(ledger.every((e) => e.outcome === 'approved')).toBe(true);

      const expectedDue = [
        [2027, 0, 31],
        [2027, 1, 28],
        [2027, 2, 31],
        [2027, 3, 30],
        [2027, 4, 31],
        [2027, 5, 30],
        [2027, 6, 31],
        [2027, 7, 31],
        [2027, 8, 30],
        [2027, 9, 31],
        [2027, 10, 30],
        [2027, 11, 31],
        [2028, 0, 31],
      ].map(([y, m, d]) => Date.UTC(y!, m!, d!, 9));
      expect(ledger.map((e) => e.createdAt).sort((a, b) => a - b)).toEqual(expectedDue);

      const s = await rig.getSchedule(created.id);
      expect(s).toMatchObject({ status: 'active', cycle: 14, cyclesSettled: 13, attempts: 0 });
      expect(s.nextChargeAt).toBe(Date.UTC(2028, 1, 29, 9) / 1000);

      const events = (await rig.deliveredEvents()).filter((e) => e.schedule.id === created.id);
      const names = events.map((e) => `${e.event}#${e.cycle?.number}`);
      const expected: string[] = [];
      for (let n = 1; n <= 13; n++)
        expected.push(`schedule.cycle.upcoming#${n}`, `schedule.cycle.settled#${n}`);
      expect(names).toEqual(expected);
      // Each notice came 7 days before its cycle (the event's `created` is the schedule's time).
      for (let n = 1; n <= 13; n++) {
        const notice = events[2 * (n - 1)]!;
        expect(notice.created * 1000).toBe(expectedDue[n - 1]! - 7 * DAY);
      }
      // Signed like every notification: the SDK verifies each with the shop's serviceKey.
      const raw = rig.receiver.received.filter((r) => r.body.toString('utf8').startsWith('{"kartoteka"'));
      expect(raw).toHaveLength(26);
      for (const r of raw) {
        const verified = await verifyNotification(
          r.body,
          r.headers['x-imoje-signature'] as string,
          rig.merchant.serviceKey,
        );
        expect(isScheduleEvent(verified)).toBe(true);
      }
      // Each cycle's own imoje transaction notification went out as for any debit, unchanged in shape.
      const imoje = rig.receiver.received
        .map(
          (r) => JSON.parse(r.body.toString('utf8')) as { transaction?: { id: string }; kartoteka?: unknown },
        )
        .filter((b) => b.transaction && ids.has(b.transaction.id));
      expect(imoje).toHaveLength(13);
      expect(imoje.every((b) => b.kartoteka === undefined)).toBe(true);
      // Another run at the same moment charges nothing more.
      await rig.advanceTo(end);
      expect((await rig.ledgerFor(await attemptTransactions(rig, created.id))).length).toBe(13);
    });
  });
}
