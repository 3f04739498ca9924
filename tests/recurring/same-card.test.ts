import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { attemptTransactions, DAY, recurringRig, type RecurringRig } from './support.js';

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

    it('a hard decline on the first stops the others: one debit of the card, every schedule ended', async () => {
      const card = { number: '4000000000000432', month: '12', year: '2030' }; // stolen card: a hard decline
      const profiles = [await rig.register(card), await rig.register(card), await rig.register(card)];
      const start = rig.clock.now() + DAY;
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
      await rig.advanceTo(start + DAY);
      const attempts = new Set<string>();
      for (const s of schedules) for (const t of await attemptTransactions(rig, s.id)) attempts.add(t);
      const ledger = await rig.ledgerFor(attempts);
      expect(ledger.map((e) => e.outcome)).toEqual(['declined']);
      for (const s of schedules) {
        expect(await rig.getSchedule(s.id)).toMatchObject({ status: 'ended', endReason: 'hard_decline' });
      }
    });
  });
}
