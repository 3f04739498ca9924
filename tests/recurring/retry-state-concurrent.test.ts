import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Acquirer, AuthorizeRequest } from '../../src/acquirer/acquirer.js';
import { debitProfile } from '../../src/payments/debit-profile.js';
import { DB_KINDS } from '../support/databases.js';
import { recurringRig, type RecurringRig } from './support.js';

const T0 = Date.UTC(2027, 4, 10, 10);
const SOFT = '4000000000000515'; // registers, then every MIT debit is declined CODE_51 (soft)

/**
 * Two merchant-initiated debits of one card (two subscriptions) with the acquirer at once, both declined: the
 * card's retry state must count both. Each finaliser reads the state as stored, after any other finaliser of
 * that card has committed (a lock on the card's state on PostgreSQL, one writer on SQLite), rather than the state
 * its request read before the acquirer was asked. Before, both wrote a state built from the same clean read, and
 * the second decline was lost from the schemes' reattempt count.
 */
for (const db of DB_KINDS) {
  describe(`concurrent declines of one card (${db})`, () => {
    let rig: RecurringRig;
    beforeAll(async () => {
      rig = await recurringRig(db, T0);
    });
    afterAll(async () => {
      await rig?.close();
    });

    it('both count: the second decline is a reattempt of the first', async () => {
      const m = rig.merchant;
      const profiles = [await rig.register({ number: SOFT }), await rig.register({ number: SOFT })];
      const payments = rig.gw.gateway.payments;
      const real = payments.acquirer;
      // Both debits reach the acquirer before either is answered.
      let arrived = 0;
      let release!: () => void;
      const together = new Promise<void>((resolve) => (release = resolve));
      const acquirer: Acquirer = Object.create(real as object) as Acquirer;
      acquirer.authorize = async (req: AuthorizeRequest) => {
        if (++arrived === 2) release();
        await together;
        return real.authorize(req);
      };
      const results = await Promise.all(
        profiles.map((paymentProfileId, i) =>
          debitProfile(
            { ...payments, acquirer },
            m.merchantId,
            {
              serviceId: m.serviceId,
              paymentProfileId,
              amount: 1900,
              currency: 'PLN',
              orderId: `concurrent-${i}`,
            },
            {},
          ),
        ),
      );
      expect(arrived).toBe(2);
      expect(results.map((r) => [r.transaction.status, r.transaction.statusCode])).toEqual([
        ['rejected', 'CODE_51'],
        ['rejected', 'CODE_51'],
      ]);
      const found = await payments.storage.repos.profiles.getProfileWithCard(m.merchantId, profiles[0]!);
      const state = await payments.storage.repos.cardRetry.get(m.merchantId, found!.profile.fingerprint);
      expect(state).toMatchObject({ declineClass: 'soft', reattempts: 1 });
    });
  });
}
