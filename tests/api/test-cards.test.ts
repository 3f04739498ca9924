import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChallenge } from '../support/challenge.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { debitBody, saleBody } from '../support/payloads.js';
import { expectTransactionShape, type TransactionResponse } from '../support/wire.js';

/** imoje-api.md §9, row by row: the first payment (a registration) and a later debit of the stored card. */
const TABLE: Array<{
  number: string;
  challenge: boolean;
  first: 'settled' | 'rejected' | 'error';
  later: 'settled' | 'rejected' | 'error' | null;
  organization: string;
}> = [
  { number: '4111111111111111', challenge: false, first: 'settled', later: 'settled', organization: 'VISA' },
  { number: '4485201817664006', challenge: false, first: 'settled', later: 'rejected', organization: 'VISA' },
  { number: '4444333322221111', challenge: false, first: 'rejected', later: null, organization: 'VISA' },
  { number: '4012001037141112', challenge: true, first: 'settled', later: 'settled', organization: 'VISA' },
  { number: '4749601201390567', challenge: true, first: 'settled', later: 'rejected', organization: 'VISA' },
  { number: '4934403892699132', challenge: true, first: 'rejected', later: null, organization: 'VISA' },
  { number: '4012001007002005', challenge: false, first: 'error', later: null, organization: 'VISA' },
  { number: '4282513338596268', challenge: false, first: 'settled', later: 'error', organization: 'VISA' },
  {
    number: '5555555555554444',
    challenge: false,
    first: 'settled',
    later: 'settled',
    organization: 'MASTERCARD',
  },
  {
    number: '5454545454545454',
    challenge: true,
    first: 'settled',
    later: 'settled',
    organization: 'MASTERCARD',
  },
];

const CODE_FOR = { settled: 'CODE_000', rejected: 'CODE_05', error: 'CODE_99' } as const;

for (const db of DB_KINDS) {
  describe(`sandbox test cards (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db });
    });
    afterAll(async () => {
      await gw?.close();
    });

    for (const row of TABLE) {
      it(`${row.number}: first payment ${row.first}${row.challenge ? ' after a passed challenge' : ''}, later debit ${row.later ?? '—'}`, async () => {
        const m = gw.merchant;
        const created = await m.api.post<TransactionResponse>(
          '/transaction',
          saleBody(m.serviceId, { paymentMethodCode: 'recurring' }, { number: row.number }),
        );
        expect(created.status).toBe(200);
        expectTransactionShape(created.body.transaction);
        let transaction = created.body.transaction;
        if (row.challenge) {
          expect(transaction.status).toBe('pending');
          expect(created.body.action?.url).toContain(`/3ds/${transaction.id}`);
          const answered = await answerChallenge(created.body.action!.url, 'pass');
          expect(answered.status).toBe(303);
          expect(answered.headers.get('location')).toBe(
            row.first === 'settled' ? 'https://shop.example/success' : 'https://shop.example/failure',
          );
          transaction = (await m.api.get<TransactionResponse>(`/transaction/${transaction.id}`)).body
            .transaction;
        } else {
          expect(created.body.action).toBeUndefined();
        }
        expect(transaction.status).toBe(row.first);
        expect(transaction.statusCode).toBe(CODE_FOR[row.first]);
        if (row.first !== 'settled') {
          expect(transaction.paymentProfile).toBeUndefined();
          return;
        }
        const profile = transaction.paymentProfile!;
        expect(profile.profile).toBe('RECURRING');
        expect(profile.organization).toBe(row.organization);
        expect(profile.maskedNumber).toBe(`****${row.number.slice(-4)}`);

        const debit = await m.api.post<TransactionResponse>(
          '/transaction/profile',
          debitBody(m.serviceId, profile.id),
        );
        expect(debit.status).toBe(200);
        expectTransactionShape(debit.body.transaction);
        expect(debit.body.transaction.status).toBe(row.later);
        expect(debit.body.transaction.statusCode).toBe(CODE_FOR[row.later!]);
        expect(debit.body.transaction.paymentMethodCode).toBe('recurring');
        expect(debit.body.transaction.paymentProfile?.id).toBe(profile.id);
      });
    }

    it('a rejection of exactly 1.00 carries CODE_51 (insufficient funds), otherwise CODE_05', async () => {
      const m = gw.merchant;
      const one = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { amount: 100 }, { number: '4444333322221111' }),
      );
      expect(one.body.transaction.status).toBe('rejected');
      expect(one.body.transaction.statusCode).toBe('CODE_51');
      expect(one.body.transaction.statusCodeDescription).toBe('CODE_51 - Insufficient funds');
      const other = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { amount: 101 }, { number: '4444333322221111' }),
      );
      expect(other.body.transaction.statusCode).toBe('CODE_05');
    });

    it('any other valid card number behaves like 4111111111111111', async () => {
      const m = gw.merchant;
      const res = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, {}, { number: '4000056655665556' }),
      );
      expect(res.body.transaction.status).toBe('settled');
      expect(res.body.action).toBeUndefined();
    });

    it('a failed challenge gives rejected with CODE_570 and sends the payer to failureReturnUrl', async () => {
      const m = gw.merchant;
      const created = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, {}, { number: '4012001037141112' }),
      );
      const answered = await answerChallenge(created.body.action!.url, 'fail');
      expect(answered.status).toBe(303);
      expect(answered.headers.get('location')).toBe('https://shop.example/failure');
      const after = await m.api.get<TransactionResponse>(`/transaction/${created.body.transaction.id}`);
      expect(after.body.transaction.status).toBe('rejected');
      expect(after.body.transaction.statusCode).toBe('CODE_570');
      expect(after.body.transaction.paymentProfile).toBeUndefined();
    });
  });
}
