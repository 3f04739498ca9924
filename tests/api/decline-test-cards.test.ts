import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { debitBody, saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

/** The decline-class test cards (docs/recurring.md): a stored card whose later debits decline as the class says. */
const CARDS = [
  { number: '4000000000000515', code: 'CODE_51', advice: null, organization: 'VISA' },
  { number: '4485201817664006', code: 'CODE_05', advice: null, organization: 'VISA' },
  { number: '4000000000000432', code: 'CODE_43', advice: null, organization: 'VISA' },
  { number: '5555000000000032', code: 'CODE_AC', advice: '03', organization: 'MASTERCARD' },
  { number: '5555000000000214', code: 'CODE_PF', advice: '21', organization: 'MASTERCARD' },
  { number: '4000000000000549', code: 'CODE_54', advice: null, organization: 'VISA' },
] as const;

for (const db of DB_KINDS) {
  describe(`decline-class test cards (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db });
    });
    afterAll(async () => {
      await gw?.close();
    });

    async function register(number: string): Promise<string> {
      const m = gw.merchant;
      const created = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'recurring' }, { number }),
      );
      expect(created.body.transaction.status).toBe('settled');
      return created.body.transaction.paymentProfile!.id;
    }

    for (const card of CARDS) {
      it(`${card.number}: registers, then a debit is rejected with ${card.code}${card.advice ? ` and MAC ${card.advice}` : ''}`, async () => {
        const m = gw.merchant;
        const profileId = await register(card.number);
        const debit = await m.api.post<TransactionResponse>(
          '/transaction/profile',
          debitBody(m.serviceId, profileId),
        );
        expect(debit.status).toBe(200);
        expect(debit.body.transaction.status).toBe('rejected');
        expect(debit.body.transaction.statusCode).toBe(card.code);
        // The advice code is the acquirer's: imoje's transaction view has no field for it.
        expect(JSON.stringify(debit.body)).not.toContain('merchantAdvice');
        const entry = await gw.ledger.find(debit.body.transaction.id, 'authorize');
        expect(entry?.code).toBe(card.code);
        expect(entry?.merchantAdvice).toBe(card.advice);
      });
    }

    it('4000000000000226 declines the first two debits of a registration, then settles', async () => {
      const m = gw.merchant;
      const profileId = await register('4000000000000226');
      const statuses: string[] = [];
      for (let i = 0; i < 3; i++) {
        const debit = await m.api.post<TransactionResponse>(
          '/transaction/profile',
          debitBody(m.serviceId, profileId),
        );
        statuses.push(`${debit.body.transaction.status}/${debit.body.transaction.statusCode}`);
      }
      expect(statuses).toEqual(['rejected/CODE_05', 'rejected/CODE_05', 'settled/CODE_000']);
      // A second registration of the same card starts counting afresh.
      const again = await register('4000000000000226');
      const first = await m.api.post<TransactionResponse>(
        '/transaction/profile',
        debitBody(m.serviceId, again),
      );
      expect(first.body.transaction.status).toBe('rejected');
    });
  });
}
