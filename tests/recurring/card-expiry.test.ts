import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { attemptTransactions, recurringRig, type RecurringRig } from './support.js';

const T0 = Date.UTC(2027, 0, 15, 10);

for (const db of DB_KINDS) {
  describe(`a schedule whose card expires (${db})`, () => {
    let rig: RecurringRig;
    beforeAll(async () => {
      rig = await recurringRig(db, T0);
    });
    afterAll(async () => {
      await rig?.close();
    });

    it('warns 30 days ahead, then never sends a cycle with the expired card to the acquirer', async () => {
      // Valid through the end of February 2027.
      const profileId = await rig.register({ number: '4111111111111111', month: '02', year: '2027' });
      const start = Date.UTC(2027, 0, 25, 9);
      const s = await rig.createSchedule({
        paymentProfileId: profileId,
        amount: 1000,
        currency: 'PLN',
        interval: { unit: 'month', count: 1 },
        startAt: start / 1000,
      });
      await rig.advanceTo(Date.UTC(2027, 3, 20));
      const ledger = await rig.ledgerFor(await attemptTransactions(rig, s.id));
      expect(ledger).toHaveLength(2); // January and February; March's card had expired
      const events = (await rig.deliveredEvents()).filter((e) => e.schedule.id === s.id);
      const names = events.map((e) => e.event);
      expect(names).toEqual([
        'schedule.cycle.upcoming',
        'schedule.cycle.settled',
        'schedule.card.expiring',
        'schedule.cycle.upcoming',
        'schedule.cycle.settled',
        'schedule.cycle.upcoming',
        'schedule.card.expired',
        'schedule.past_due',
        'schedule.ended',
      ]);
      const expiring = events[2]!;
      expect(expiring.created * 1000).toBe(Date.UTC(2027, 2, 1) - 30 * 86_400_000);
      expect(JSON.stringify(expiring)).toContain('"maskedNumber":"****1111"');
      expect(JSON.stringify(events)).not.toContain('4111111111111111');
      const after = await rig.getSchedule(s.id);
      expect(after).toMatchObject({ status: 'ended', endReason: 'card_not_updated', cyclesSettled: 2 });
    });
  });
}
