import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { debitBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';
import { attemptTransactions, DAY, recurringRig, type RecurringRig } from './support.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2027, 0, 15, 10);

/**
 * Each decline-class test card through a monthly schedule: the retries follow the shop's policy (default 4
 * retries over 14 days) and the scheme limits; a hard decline stops at once; the decline-twice card recovers.
 */
for (const db of DB_KINDS) {
  describe(`schedules and decline classes (${db})`, () => {
    let rig: RecurringRig;
    beforeAll(async () => {
      rig = await recurringRig(db, T0);
    });
    afterAll(async () => {
      await rig?.close();
    });

    async function run(number: string, days = 20) {
      const profileId = await rig.register({ number, month: '12', year: '2030' });
      const start = rig.clock.now() + DAY;
      const s = await rig.createSchedule({
        paymentProfileId: profileId,
        amount: 2500,
        currency: 'PLN',
        interval: { unit: 'month', count: 1 },
        startAt: Math.floor(start / 1000),
      });
      await rig.advanceTo(start + days * DAY);
      const ledger = (await rig.ledgerFor(await attemptTransactions(rig, s.id))).sort(
        (a, b) => a.createdAt - b.createdAt,
      );
      const events = (await rig.deliveredEvents()).filter((e) => e.schedule.id === s.id).map((e) => e.event);
      return {
        start: Math.floor(start / 1000) * 1000,
        schedule: await rig.getSchedule(s.id),
        ledger,
        events,
        profileId,
      };
    }

    it('do not honour (soft): the first debit and 4 retries over 14 days, then the schedule ends', async () => {
      const r = await run('4485201817664006');
      expect(r.ledger.map((e) => (e.createdAt - r.start) / HOUR)).toEqual([0, 84, 168, 252, 336]);
      expect(r.schedule).toMatchObject({ status: 'ended', endReason: 'retries_exhausted', cyclesSettled: 0 });
      expect(r.events).toEqual([
        'schedule.cycle.upcoming',
        'schedule.cycle.declined',
        'schedule.past_due',
        'schedule.cycle.declined',
        'schedule.cycle.declined',
        'schedule.cycle.declined',
        'schedule.cycle.declined',
        'schedule.ended',
      ]);
    });

    for (const [number, what] of [
      ['4000000000000432', 'stolen card'],
      ['5555000000000032', 'closed account, MAC 03'],
      ['5555000000000214', 'recurring agreement cancelled, MAC 21'],
    ] as const) {
      it(`${what} (hard): one debit, and the schedule ends at once`, async () => {
        const r = await run(number);
        expect(r.ledger).toHaveLength(1);
        expect(r.schedule).toMatchObject({ status: 'ended', endReason: 'hard_decline' });
        expect(r.events).toEqual(['schedule.cycle.upcoming', 'schedule.cycle.declined', 'schedule.ended']);
      });
    }

    it('expired card (update needed): no retry is sent until the card is replaced; then the schedule ends', async () => {
      const r = await run('4000000000000549');
      expect(r.ledger).toHaveLength(1);
      expect(r.schedule).toMatchObject({ status: 'ended', endReason: 'card_not_updated' });
      expect(r.events).toEqual([
        'schedule.cycle.upcoming',
        'schedule.cycle.declined',
        'schedule.past_due',
        'schedule.ended',
      ]);
    });

    it('the decline-twice card: two declines, the second retry settles and the schedule is active again', async () => {
      const r = await run('4000000000000226', 40);
      expect(r.ledger.map((e) => e.outcome)).toEqual(['declined', 'declined', 'approved', 'approved']);
      expect(r.schedule).toMatchObject({ status: 'active', cycle: 3, cyclesSettled: 2 });
      expect(r.events).toEqual([
        'schedule.cycle.upcoming',
        'schedule.cycle.declined',
        'schedule.past_due',
        'schedule.cycle.declined',
        'schedule.cycle.settled',
        'schedule.recovered',
        'schedule.cycle.upcoming',
        'schedule.cycle.settled',
      ]);
    });

    it('insufficient funds: a retry never comes before the decline’s 24 h retry-after, even when the policy is denser', async () => {
      await rig.gw.gateway.accounts.setRecurring(rig.merchant.merchantId, rig.merchant.serviceId, {
        retryAttempts: 8,
        retryWindowDays: 1,
      });
      try {
        const r = await run('4000000000000515');
        // Planned every 3 h; the first retry waits for 24 h (the window's end), the next would be past it.
        expect(r.ledger.map((e) => (e.createdAt - r.start) / HOUR)).toEqual([0, 24]);
        expect(r.schedule).toMatchObject({ status: 'ended', endReason: 'retries_exhausted' });
      } finally {
        await rig.gw.gateway.accounts.setRecurring(rig.merchant.merchantId, rig.merchant.serviceId, {
          retryAttempts: 4,
          retryWindowDays: 14,
        });
      }
    });

    it('never more than 15 reattempts of one card in 30 days, counting the shop’s own debits', async () => {
      await rig.gw.gateway.accounts.setRecurring(rig.merchant.merchantId, rig.merchant.serviceId, {
        retryAttempts: 8,
        retryWindowDays: 30,
      });
      try {
        const m = rig.merchant;
        const profileId = await rig.register({ number: '4485201817664006', month: '12', year: '2030' });
        const from = rig.clock.now();
        for (let i = 0; i < 11; i++) {
          const d = await m.api.post<TransactionResponse>(
            '/transaction/profile',
            debitBody(m.serviceId, profileId),
          );
          expect(d.body.transaction.status).toBe('rejected');
          rig.clock.advance(60_000);
        }
        const s = await rig.createSchedule({
          paymentProfileId: profileId,
          amount: 2500,
          currency: 'PLN',
          interval: { unit: 'month', count: 1 },
        });
        await rig.advanceTo(from + 29 * DAY);
        const scheduled = await rig.ledgerFor(await attemptTransactions(rig, s.id));
        // 1 decline + 10 reattempts by the shop, then the schedule's 5 (#11–#15); its 6th is refused.
        expect(scheduled).toHaveLength(5);
        const after = await rig.getSchedule(s.id);
        expect(after.status).toBe('past_due');
        expect(after.nextChargeAt! * 1000).toBeGreaterThanOrEqual(from + 60_000 + 30 * DAY - 1000);
      } finally {
        await rig.gw.gateway.accounts.setRecurring(rig.merchant.merchantId, rig.merchant.serviceId, {
          retryAttempts: 4,
          retryWindowDays: 14,
        });
      }
    });
  });
}
