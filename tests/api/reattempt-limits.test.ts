import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { debitBody, saleBody, uniqueCid } from '../support/payloads.js';
import { expectError, type TransactionResponse } from '../support/wire.js';

const DAY = 86_400_000;

/**
 * docs/recurring.md, "Retries and decline classes": a merchant-initiated debit the card schemes would fine is
 * refused before the acquirer is asked — the sandbox ledger shows no attempt.
 */
for (const db of DB_KINDS) {
  describe(`reattempt limits on the shop's own debits (${db})`, () => {
    let gw: TestGateway;
    const clock = new ManualClock(Date.UTC(2027, 0, 10, 12));
    beforeAll(async () => {
      gw = await startGateway({ db, clock });
    });
    afterAll(async () => {
      await gw?.close();
    });

    async function register(number: string, code = 'recurring'): Promise<string> {
      const m = gw.merchant;
      const created = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: code }, { number }),
      );
      expect(created.body.transaction.status).toBe('settled');
      return created.body.transaction.paymentProfile!.id;
    }
    const debit = (profileId: string) =>
      gw.merchant.api.post<TransactionResponse>(
        '/transaction/profile',
        debitBody(gw.merchant.serviceId, profileId),
      );
    const authorizations = async () =>
      (await gw.ledger.list()).filter((e) => e.operation === 'authorize').length;

    it('after a hard decline (stolen card), a reattempt is refused before the acquirer, whenever it comes', async () => {
      const profileId = await register('4000000000000432');
      expect((await debit(profileId)).body.transaction.statusCode).toBe('CODE_43');
      const before = await authorizations();
      expectError(await debit(profileId), 400, 'RCR-ERROR-210400', 'paymentProfileId');
      clock.advance(60 * DAY);
      expectError(await debit(profileId), 400, 'RCR-ERROR-210400');
      expect(await authorizations()).toBe(before);
    });

    it('MAC 03 and MAC 21 are hard too', async () => {
      for (const number of ['5555000000000032', '5555000000000214']) {
        const profileId = await register(number);
        expect((await debit(profileId)).body.transaction.status).toBe('rejected');
        expectError(await debit(profileId), 400, 'RCR-ERROR-210400');
      }
    });

    it('insufficient funds: refused until 24 h after the decline, then sent', async () => {
      const profileId = await register('4000000000000515');
      expect((await debit(profileId)).body.transaction.statusCode).toBe('CODE_51');
      clock.advance(DAY - 1000);
      const early = expectError(await debit(profileId), 400, 'RCR-ERROR-210402');
      expect(JSON.stringify(early)).toContain('Not before');
      clock.advance(1000);
      const before = await authorizations();
      expect((await debit(profileId)).body.transaction.statusCode).toBe('CODE_51');
      expect(await authorizations()).toBe(before + 1);
    });

    it('an expired card (update needed) is refused until the card is registered again', async () => {
      const profileId = await register('4000000000000549');
      expect((await debit(profileId)).body.transaction.statusCode).toBe('CODE_54');
      expectError(await debit(profileId), 400, 'RCR-ERROR-210401');
      // The payer registers the card again (payer present): its declines are forgotten.
      const again = await register('4000000000000549');
      expect((await debit(again)).body.transaction.statusCode).toBe('CODE_54');
    });

    it('the 16th reattempt of one card within 30 days is refused; after the window it is sent', async () => {
      const profileId = await register('4485201817664006');
      expect((await debit(profileId)).body.transaction.status).toBe('rejected');
      for (let i = 1; i <= 15; i++) {
        clock.advance(60_000);
        const r = await debit(profileId);
        expect(r.status, `reattempt ${i}`).toBe(200);
        expect(r.body.transaction.status).toBe('rejected');
      }
      const before = await authorizations();
      expectError(await debit(profileId), 400, 'RCR-ERROR-210403');
      expect(await authorizations()).toBe(before);
      clock.advance(30 * DAY);
      expect((await debit(profileId)).status).toBe(200);
    });

    it('a soft decline that recovers: the next debit is not a reattempt', async () => {
      const profileId = await register('4000000000000226');
      expect((await debit(profileId)).body.transaction.status).toBe('rejected');
      expect((await debit(profileId)).body.transaction.status).toBe('rejected');
      expect((await debit(profileId)).body.transaction.status).toBe('settled');
      expect((await debit(profileId)).body.transaction.status).toBe('settled');
    });

    it('ONE_CLICK debits (payer present) are not limited', async () => {
      const profileId = await register('4000000000000432', 'oneclick');
      expect((await debit(profileId)).body.transaction.statusCode).toBe('CODE_43');
      expect((await debit(profileId)).body.transaction.statusCode).toBe('CODE_43');
    });

    it('STANDARD recurring: a reattempt after a hard decline is refused too', async () => {
      const m = gw.merchant;
      const cid = uniqueCid();
      const first = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(
          m.serviceId,
          {
            paymentMethodCode: 'recurring',
            profileType: 'FIRST',
            customer: { firstName: 'J', lastName: 'K', email: 'j@example.com', cid },
          },
          { number: '4000000000000432' },
        ),
      );
      expect(first.body.transaction.status).toBe('settled');
      const id = first.body.transaction.firstTransactionId!;
      expect(id).toMatch(/^[0-9]{15}$/);
      const standard = () =>
        m.api.post<TransactionResponse>(
          '/transaction',
          saleBody(
            m.serviceId,
            { paymentMethodCode: 'recurring', profileType: 'STANDARD', additionalData: null },
            { number: '4000000000000432', cvv: null, firstTransactionId: id },
          ),
        );
      expect((await standard()).body.transaction.statusCode).toBe('CODE_43');
      expectError(await standard(), 400, 'RCR-ERROR-210400', 'card.firstTransactionId');
    });
  });
}
