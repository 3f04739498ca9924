import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { attemptTransactions, DAY, recurringRig, type RecurringRig, type ScheduleJson } from './support.js';

const T0 = Date.UTC(2027, 2, 10, 10);

/**
 * Several schedules charging one card (a payer with two subscriptions), due at the same instant and so claimed
 * in one batch. The runner reads the batch's profiles in one statement, but a card's charges run one after the
 * other and each after the first reads the card's retry state afresh: a hard decline on the first subscription
 * stops the others without another debit of a card its issuer refused for good.
 */
for (const db of DB_KINDS) {
  describe(`schedules charging one card in one batch (${db})`, () => {
    let rig: RecurringRig;
    beforeAll(async () => {
      rig = await recurringRig(db, T0);
    });
    afterAll(async () => {
      await rig?.close();
    });

    /** Three subscriptions on one stolen card (a hard decline), due at once; returns them and when. */
    async function threeOnOneCard(start: number): Promise<ScheduleJson[]> {
      const card = { number: '4000000000000432', month: '12', year: '2030' };
      const profiles = [await rig.register(card), await rig.register(card), await rig.register(card)];
      const schedules = [];
      for (const paymentProfileId of profiles) {
        schedules.push(
          await rig.createSchedule({
            paymentProfileId,
            amount: 1900,
            currency: 'PLN',
            interval: { unit: 'month', count: 1 },
            startAt: Math.floor(start / 1000),
          }),
        );
      }
      return schedules;
    }

    async function expectOneDebitAllEnded(schedules: ScheduleJson[]): Promise<void> {
      const attempts = new Set<string>();
      for (const s of schedules) for (const t of await attemptTransactions(rig, s.id)) attempts.add(t);
      const ledger = await rig.ledgerFor(attempts);
      expect(ledger.map((e) => e.outcome)).toEqual(['declined']);
      for (const s of schedules) {
        expect(await rig.getSchedule(s.id)).toMatchObject({ status: 'ended', endReason: 'hard_decline' });
      }
    }

    it('schedules a dead runner held (taken over) still queue behind one another on their card', async () => {
      const start = rig.clock.now() + DAY;
      const schedules = await threeOnOneCard(start);
      await rig.advanceTo(start - 1); // the pre-billing notices
      // A runner that claimed them for the charge and died: its lease ran out long ago, so the next claim takes
      // them over.
      await rig.gw.gateway.storage.db
        .updateTable('schedules')
        .set({ leaseOwner: 'dead-host:1:cycles', leaseUntil: 1 })
        .where(
          'id',
          'in',
          schedules.map((s) => s.id),
        )
        .execute();
      await rig.advanceTo(start + DAY);
      await expectOneDebitAllEnded(schedules);
    });

    it('a hard decline on the first stops the others: one debit of the card, every schedule ended', async () => {
      const start = rig.clock.now() + DAY;
      const schedules = await threeOnOneCard(start);
      await rig.advanceTo(start + DAY);
      await expectOneDebitAllEnded(schedules);
    });
  });
}
