import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChallenge } from '../support/challenge.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway, type TestMerchant } from '../support/gateway.js';
import { debitBody, saleBody } from '../support/payloads.js';
import { expectError, expectTransactionShape, type TransactionResponse } from '../support/wire.js';

for (const db of DB_KINDS) {
  describe(`pre-authorisation: capture and void (${db})`, () => {
    let gw: TestGateway;
    let m: TestMerchant;
    beforeAll(async () => {
      gw = await startGateway({ db, shop: { preauth: true } });
      m = gw.merchant;
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('a registration stops at authorized (profile created); capture makes it settled', async () => {
      const reg = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
      const t = reg.body.transaction;
      expect(t.status).toBe('authorized');
      expect(t.paymentProfile?.isActive).toBe(1);
      const captured = await m.api.post<TransactionResponse>(`/transaction/${t.id}/capture`);
      expect(captured.status).toBe(200);
      expectTransactionShape(captured.body.transaction);
      expect(captured.body.transaction.status).toBe('settled');
      // The profile's first transaction reference survives the capture.
      expect(captured.body.transaction.paymentProfile).toEqual(t.paymentProfile);
      expectError(await m.api.post(`/transaction/${t.id}/capture`), 400, 'TRX-ERROR-160400');
      expectError(await m.api.post(`/transaction/${t.id}/void`), 400, 'TRX-ERROR-160400');
    });

    it('void makes an authorized payment cancelled; then nothing else is allowed', async () => {
      const reg = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'ecom3ds' }),
      );
      const id = reg.body.transaction.id;
      const voided = await m.api.post<TransactionResponse>(`/transaction/${id}/void`, '[]');
      expect(voided.status).toBe(200);
      expect(voided.body.transaction.status).toBe('cancelled');
      expectError(await m.api.post(`/transaction/${id}/capture`), 400, 'TRX-ERROR-160400');
      expectError(
        await m.api.post(`/transaction/${id}/refund`, { type: 'refund', serviceId: m.serviceId, amount: 1 }),
        400,
        'TRX-ERROR-150400',
      );
    });

    it('capture accepts an empty body, {} and []; a non-empty array is refused', async () => {
      for (const body of [undefined, '{}', '[]']) {
        const reg = await m.api.post<TransactionResponse>(
          '/transaction',
          saleBody(m.serviceId, { paymentMethodCode: 'ecom3ds' }),
        );
        const res = await m.api.post<TransactionResponse>(
          `/transaction/${reg.body.transaction.id}/capture`,
          body,
          {
            'content-type': 'application/json',
          },
        );
        expect(res.status, String(body)).toBe(200);
        expect(res.body.transaction.status).toBe('settled');
      }
      const reg = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'ecom3ds' }),
      );
      expectError(
        await m.api.post(`/transaction/${reg.body.transaction.id}/capture`, '[1]'),
        422,
        undefined,
        'body',
      );
    });

    it('profile debits and challenge payments stop at authorized too', async () => {
      const reg = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, {}, { number: '4012001037141112' }),
      );
      await answerChallenge(reg.body.action!.url, 'pass');
      const after = await m.api.get<TransactionResponse>(`/transaction/${reg.body.transaction.id}`);
      expect(after.body.transaction.status).toBe('authorized');
      const profileId = after.body.transaction.paymentProfile!.id;
      const debit = await m.api.post<TransactionResponse>(
        '/transaction/profile',
        debitBody(m.serviceId, profileId),
      );
      expect(debit.body.transaction.status).toBe('authorized');
    });

    it('a refund of a captured pre-authorisation; the acquirer refunds only what was captured', async () => {
      const reg = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { amount: 800, paymentMethodCode: 'ecom3ds' }),
      );
      const id = reg.body.transaction.id;
      expectError(
        await m.api.post(`/transaction/${id}/refund`, {
          type: 'refund',
          serviceId: m.serviceId,
          amount: 100,
        }),
        400,
        'TRX-ERROR-150400',
      );
      await m.api.post(`/transaction/${id}/capture`);
      const r = await m.api.post<TransactionResponse>(`/transaction/${id}/refund`, {
        type: 'refund',
        serviceId: m.serviceId,
        amount: 800,
      });
      expect(r.status).toBe(200);
      expect(r.body.transaction.status).toBe('settled');
      const ledger = await gw.ledger.list();
      expect(
        ledger
          .filter((e) => e.reference === id)
          .map((e) => e.operation)
          .sort(),
      ).toEqual(['authorize', 'capture']);
      expect(
        ledger.some(
          (e) =>
            e.operation === 'refund' &&
            e.saleReference === id &&
            e.amount === 800 &&
            e.outcome === 'approved',
        ),
      ).toBe(true);
    });

    it('a concurrent capture and void: exactly one wins', async () => {
      const reg = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'ecom3ds' }),
      );
      const id = reg.body.transaction.id;
      const [c, v] = await Promise.all([
        m.api.post(`/transaction/${id}/capture`),
        m.api.post(`/transaction/${id}/void`),
      ]);
      expect([c.status, v.status].sort()).toEqual([200, 400]);
    });

    it('capture on a shop without pre-authorisation (already settled) is refused', async () => {
      const plain = await gw.newMerchant();
      const reg = await plain.api.post<TransactionResponse>('/transaction', saleBody(plain.serviceId));
      expect(reg.body.transaction.status).toBe('settled');
      expectError(
        await plain.api.post(`/transaction/${reg.body.transaction.id}/capture`),
        400,
        'TRX-ERROR-160400',
      );
      expectError(
        await plain.api.post('/transaction/6d2a3f3e-1b7c-4e5a-9f0b-2c4d6e8f0a1b/void'),
        404,
        'TRX-ERROR-110404',
      );
    });
  });
}
