import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Acquirer, AuthorizeRequest } from '../../src/acquirer/acquirer.js';
import { scheduleCycles } from '../../src/payments/schedule-runner.js';
import { DB_KINDS } from '../support/databases.js';
import { debitBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';
import { attemptTransactions, DAY, recurringRig, type RecurringRig } from './support.js';

const T0 = Date.UTC(2027, 2, 10, 10);
const STOLEN = '4000000000000432'; // registers, then every MIT debit is hard-declined (CODE_43)

/**
 * The runner reads a batch's profiles (with their card's retry state) when it claims the batch and uses that
 * read for each card's first charge, up to the acquirer's expiry later. A hard decline recorded for the card in
 * between (here: the merchant's own MIT debit on another profile of the same card, while the runner's first
 * charge, on another card, is with the acquirer) must still stop the runner: the pending row's INSERT re-checks
 * that the card's retry state is the one the debit was allowed on, and the runner decides the step again on a
 * fresh read. Before, it debited a card its issuer had refused for good.
 */
for (const db of DB_KINDS) {
  describe(`a card declined after the runner read it (${db})`, () => {
    let rig: RecurringRig;
    beforeAll(async () => {
      rig = await recurringRig(db, T0);
    });
    afterAll(async () => {
      await rig?.close();
    });

    it('a card hard-declined after the claim is not debited by the runner', async () => {
      const m = rig.merchant;
      const other = await rig.register({ number: '4111111111111111' }); // card Y
      const scheduled = await rig.register({ number: STOLEN }); // card X, with a schedule
      const manual = await rig.register({ number: STOLEN }); // card X again, another cid, debited by the merchant
      const start = rig.clock.now() + DAY;
      await rig.createSchedule({
        paymentProfileId: other,
        amount: 1900,
        currency: 'PLN',
        interval: { unit: 'month', count: 1 },
        startAt: Math.floor(start / 1000),
      });
      const sX = await rig.createSchedule({
        paymentProfileId: scheduled,
        amount: 1900,
        currency: 'PLN',
        interval: { unit: 'month', count: 1 },
        startAt: Math.floor(start / 1000) + 1,
      });

      const real = rig.gw.gateway.payments.acquirer;
      const seen: string[] = [];
      let manualDebit: TransactionResponse | undefined;
      const acquirer: Acquirer = Object.create(real as object) as Acquirer;
      acquirer.authorize = async (req: AuthorizeRequest) => {
        const pan = req.card.pan.reveal();
        seen.push(pan);
        if (seen.length === 1 && pan !== STOLEN) {
          // While the runner's first charge (card Y) is with the acquirer, the merchant debits card X itself.
          const res = await m.api.post<TransactionResponse>(
            '/transaction/profile',
            debitBody(m.serviceId, manual),
          );
          manualDebit = res.body;
        }
        return real.authorize(req);
      };
      const cycles = scheduleCycles({ ...rig.gw.gateway.payments, acquirer }, { concurrency: 1 });
      rig.clock.set(start + DAY);
      await cycles.runDue(m.serviceId, rig.clock.now());

      expect(seen[0]).not.toBe(STOLEN); // the interleaving this test means
      expect(manualDebit?.transaction.status).toBe('rejected');
      const xAttempts = await attemptTransactions(rig, sX.id);
      const ledger = await rig.ledgerFor(xAttempts);
      // The schemes' rule the runner itself enforces on a fresh read (tests/recurring/same-card.test.ts).
      expect(ledger).toEqual([]);
      expect(await rig.getSchedule(sX.id)).toMatchObject({ status: 'ended', endReason: 'hard_decline' });
    });
  });
}
