import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  Acquirer,
  AcquirerChallenge,
  AcquirerResult,
  AuthorizeRequest,
} from '../../src/acquirer/acquirer.js';
import { scheduleCycles } from '../../src/payments/schedule-runner.js';
import { DB_KINDS } from '../support/databases.js';
import { debitBody, saleBody, uniqueCid } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';
import { DAY, recurringRig, type RecurringRig } from './support.js';

const T0 = Date.UTC(2027, 6, 12, 9);
// Registers, then every merchant-initiated debit is declined CODE_05 (soft, retry at once).
const DO_NOT_HONOUR = '4485201817664006';

type ErrorBody = { apiErrorResponse: { code: string } };

/**
 * One reattempt of a card with the acquirer at a time (docs/recurring.md): a merchant-initiated debit of a card
 * whose last debit was declined claims the card in the statement that stores its pending row, and a second
 * reattempt of the card — the same profile, another subscription's profile, a `STANDARD` payment — is refused
 * (409 `RCR-ERROR-210409`, nothing stored, nothing sent) until the first is finalised. Before, all were sent at
 * once: an issuer saw a declined card retried several times in the same second, and the schemes' 30-day count
 * was checked by each against the same stale figure.
 */
for (const db of DB_KINDS) {
  describe(`a card's reattempts, one at a time (${db})`, () => {
    let rig: RecurringRig;
    let real: Acquirer;
    beforeAll(async () => {
      rig = await recurringRig(db, T0);
      real = rig.gw.gateway.payments.acquirer;
    });
    afterEach(() => {
      rig.gw.gateway.payments.acquirer = real;
    });
    afterAll(async () => {
      await rig?.close();
    });

    /** Holds the first authorisation until `release()` (the others go straight on); counts the arrivals. */
    function gate() {
      const arrived: string[] = [];
      let release!: () => void;
      const open = new Promise<void>((resolve) => (release = resolve));
      let first!: () => void;
      const firstArrived = new Promise<void>((resolve) => (first = resolve));
      const acquirer: Acquirer = Object.create(real as object) as Acquirer;
      acquirer.authorize = async (req: AuthorizeRequest): Promise<AcquirerResult | AcquirerChallenge> => {
        arrived.push(req.reference);
        if (arrived.length === 1) {
          first();
          await open;
        }
        return real.authorize(req);
      };
      rig.gw.gateway.payments.acquirer = acquirer;
      return { arrived, release, firstArrived };
    }

    const debit = (profileId: string, orderId: string) =>
      rig.merchant.api.post<TransactionResponse & ErrorBody>(
        '/transaction/profile',
        debitBody(rig.merchant.serviceId, profileId, { orderId }),
      );

    const stored = async (orderIds: string[]) =>
      (
        await rig.gw.gateway.storage.db
          .selectFrom('transactions')
          .select('orderId')
          .where('orderId', 'in', orderIds)
          .execute()
      ).length;

    it('a second reattempt while the first is with the acquirer: 409, nothing stored or sent; the next one after it goes', async () => {
      const p1 = await rig.register({ number: DO_NOT_HONOUR });
      const p2 = await rig.register({ number: DO_NOT_HONOUR }); // the same card, another subscription
      const declined = await debit(p1, `first-${db}`);
      expect(declined.body.transaction.status, declined.text).toBe('rejected');

      const g = gate();
      const inFlight = debit(p1, `retry-${db}`);
      await g.firstArrived;
      const others = [`same-profile-${db}`, `other-profile-${db}`];
      const refused = await Promise.all([debit(p1, others[0]!), debit(p2, others[1]!)]);
      for (const res of refused) {
        expect(res.status, res.text).toBe(409);
        expect(res.body.apiErrorResponse.code).toBe('RCR-ERROR-210409');
      }
      expect(await stored(others)).toBe(0);
      expect(g.arrived).toHaveLength(1);
      g.release();
      const answered = await inFlight;
      expect(answered.body.transaction.status, answered.text).toBe('rejected');

      // Finalised: the card's next reattempt is decided on that outcome, and sent.
      const after = await debit(p2, `after-${db}`);
      expect(after.body.transaction.status, after.text).toBe('rejected');
      expect(g.arrived).toHaveLength(2);
    });

    it('the refusal is not stored as an Idempotency-Key answer: the same key, once the first is finalised, runs', async () => {
      const p = await rig.register({ number: DO_NOT_HONOUR });
      const declined = await debit(p, `key-first-${db}`);
      expect(declined.body.transaction.status, declined.text).toBe('rejected');
      const g = gate();
      const inFlight = debit(p, `key-retry-${db}`);
      await g.firstArrived;
      const body = debitBody(rig.merchant.serviceId, p, { orderId: `keyed-${db}` });
      const key = { 'idempotency-key': `reattempt-in-flight-${db}` };
      const refused = await rig.merchant.api.post<ErrorBody>('/transaction/profile', body, key);
      expect(refused.status, refused.text).toBe(409);
      expect(refused.body.apiErrorResponse.code).toBe('RCR-ERROR-210409');
      g.release();
      await inFlight;
      const again = await rig.merchant.api.post<TransactionResponse>('/transaction/profile', body, key);
      expect(again.status, again.text).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('false');
      expect(again.body.transaction.status).toBe('rejected');
      expect(g.arrived).toHaveLength(2);
    });

    it('reattempts sent at the same instant: exactly one reaches the acquirer', async () => {
      const p = await rig.register({ number: DO_NOT_HONOUR });
      const declined = await debit(p, `burst-first-${db}`);
      expect(declined.body.transaction.status, declined.text).toBe('rejected');

      const g = gate();
      const orderIds = Array.from({ length: 6 }, (_, i) => `burst-${i}-${db}`);
      const pending = orderIds.map((orderId) => debit(p, orderId));
      await g.firstArrived;
      // Give every other request time to reach the claim (and, before the fix, the acquirer).
      await new Promise((resolve) => setTimeout(resolve, 300));
      g.release();
      const results = await Promise.all(pending);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses, results.map((r) => r.text).join('\n')).toEqual([200, 409, 409, 409, 409, 409]);
      expect(g.arrived).toHaveLength(1);
      expect(await stored(orderIds)).toBe(1);
    });

    it('a STANDARD recurring reattempt while another is in flight is refused too', async () => {
      const m = rig.merchant;
      const first = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(
          m.serviceId,
          {
            paymentMethodCode: 'recurring',
            profileType: 'FIRST',
            customer: { firstName: 'Jan', lastName: 'K', email: 'j@example.com', cid: uniqueCid() },
          },
          { number: DO_NOT_HONOUR },
        ),
      );
      expect(first.body.transaction.status, first.text).toBe('settled');
      const read = await m.api.get<TransactionResponse>(`/transaction/${first.body.transaction.id}`);
      const firstTransactionId = read.body.transaction.firstTransactionId!;
      const standard = (orderId: string) =>
        m.api.post<TransactionResponse & ErrorBody>(
          '/transaction',
          saleBody(
            m.serviceId,
            { paymentMethodCode: 'recurring', profileType: 'STANDARD', additionalData: null, orderId },
            { number: DO_NOT_HONOUR, cvv: null, firstTransactionId },
          ),
        );
      const declined = await standard(`std-first-${db}`);
      expect(declined.body.transaction.status, declined.text).toBe('rejected');

      const g = gate();
      const inFlight = standard(`std-retry-${db}`);
      await g.firstArrived;
      const refused = await Promise.all([standard(`std-second-${db}`), standard(`std-third-${db}`)]);
      for (const res of refused) {
        expect(res.status, res.text).toBe(409);
        expect(res.body.apiErrorResponse.code).toBe('RCR-ERROR-210409');
      }
      expect(await stored([`std-second-${db}`, `std-third-${db}`])).toBe(0);
      g.release();
      expect((await inFlight).body.transaction.status).toBe('rejected');
      expect(g.arrived).toHaveLength(1);
      expect((await standard(`std-after-${db}`)).body.transaction.status).toBe('rejected');
    });

    it('an acquirer error ends the reattempt too; a marker left on a finalised payment blocks nothing', async () => {
      const p = await rig.register({ number: DO_NOT_HONOUR });
      const declined = await debit(p, `err-first-${db}`);
      expect(declined.body.transaction.status, declined.text).toBe('rejected');
      const failing: Acquirer = Object.create(real as object) as Acquirer;
      failing.authorize = async () => ({ outcome: 'error', code: 'CODE_99' });
      rig.gw.gateway.payments.acquirer = failing;
      const errored = await debit(p, `err-retry-${db}`);
      expect(errored.body.transaction.status, errored.text).toBe('error');
      rig.gw.gateway.payments.acquirer = real;
      expect((await debit(p, `err-after-${db}`)).body.transaction.status).toBe('rejected');

      // A marker naming a payment that is already final (nothing clears it any more) is not a reattempt in flight.
      const found = await rig.gw.gateway.storage.repos.profiles.getProfileWithCard(
        rig.merchant.merchantId,
        p,
      );
      await rig.gw.gateway.storage.db
        .updateTable('cardRetryStates')
        .set({ reattemptInFlight: declined.body.transaction.id })
        .where('merchantId', '=', rig.merchant.merchantId)
        .where('fingerprint', '=', found!.profile.fingerprint)
        .execute();
      expect((await debit(p, `stale-${db}`)).body.transaction.status).toBe('rejected');
      const state = await rig.gw.gateway.storage.repos.cardRetry.get(
        rig.merchant.merchantId,
        found!.profile.fingerprint,
      );
      expect(state?.reattemptInFlight).toBeNull();
    });

    it('a scheduled retry while the shop’s own reattempt of the card is in flight waits for it, then is sent', async () => {
      const m = rig.merchant;
      const p = await rig.register({ number: DO_NOT_HONOUR });
      const start = rig.clock.now() + DAY;
      const schedule = await rig.createSchedule({
        paymentProfileId: p,
        amount: 1900,
        currency: 'PLN',
        interval: { unit: 'month', count: 1 },
        startAt: Math.floor(start / 1000),
      });
      rig.clock.set(start);
      await scheduleCycles(rig.gw.gateway.payments).runDue(m.serviceId, rig.clock.now());
      const declined = await rig.getSchedule(schedule.id);
      expect(declined).toMatchObject({ status: 'past_due', attempts: 1 });

      rig.clock.set(declined.nextChargeAt! * 1000);
      const g = gate();
      const shopsOwn = debit(p, `shop-own-${db}`);
      await g.firstArrived;
      await scheduleCycles(rig.gw.gateway.payments).runDue(m.serviceId, rig.clock.now());
      // Not sent, not counted as an attempt, not ended: the cycle is still due.
      expect(g.arrived).toHaveLength(1);
      expect(await rig.getSchedule(schedule.id)).toMatchObject({
        status: 'past_due',
        attempts: 1,
        nextChargeAt: declined.nextChargeAt,
      });
      g.release();
      expect((await shopsOwn).body.transaction.status).toBe('rejected');

      // Once the runner's lease has run out, the next round takes the schedule again and sends its retry.
      rig.clock.set(rig.clock.now() + 2 * rig.gw.gateway.payments.acquirerExpiryMs + 20_000);
      await scheduleCycles(rig.gw.gateway.payments).runDue(m.serviceId, rig.clock.now());
      expect(g.arrived).toHaveLength(2);
      expect(await rig.getSchedule(schedule.id)).toMatchObject({ status: 'past_due', attempts: 2 });
    });
  });
}
