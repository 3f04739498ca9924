import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import { expectError, expectTransactionShape, type TransactionResponse } from '../support/wire.js';

interface CanRefund {
  id: string;
  refundable: boolean;
  balance: number;
  fullRefund: boolean;
  partialRefund: { maxRefundAmount: number; minRefundAmount: number };
}

for (const db of DB_KINDS) {
  describe(`refunds (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db });
    });
    afterAll(async () => {
      await gw?.close();
    });

    async function sale(amount = 10_000, number = '4111111111111111') {
      const m = gw.merchant;
      const res = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { amount, paymentMethodCode: 'ecom3ds' }, { number }),
      );
      return res.body.transaction;
    }
    const refund = (id: string, amount: number, extra: Record<string, unknown> = {}) =>
      gw.merchant.api.post<TransactionResponse>(`/transaction/${id}/refund`, {
        type: 'refund',
        serviceId: gw.merchant.serviceId,
        amount,
        ...extra,
      });

    it('a full refund: a new settled refund transaction, listed on the sale', async () => {
      const s = await sale(5000);
      const res = await refund(s.id, 5000, { title: 'Zwrot', sendRefundConfirmationEmail: false });
      expect(res.status).toBe(200);
      const r = res.body.transaction;
      expectTransactionShape(r);
      expect(r).toMatchObject({
        type: 'refund',
        status: 'settled',
        amount: 5000,
        currency: s.currency,
        serviceId: s.serviceId,
        orderId: s.orderId,
        title: 'Zwrot',
        paymentMethod: 'card',
      });
      expect(r.id).not.toBe(s.id);
      const read = await gw.merchant.api.get<TransactionResponse>(`/transaction/${s.id}`);
      expect(read.body.transaction.status).toBe('settled'); // the sale's own status never changes
      expect(read.body.transaction.refunds).toHaveLength(1);
      expect(read.body.transaction.refunds![0]!.transaction.id).toBe(r.id);
      const readRefund = await gw.merchant.api.get<TransactionResponse>(`/transaction/${r.id}`);
      expect(readRefund.body.transaction.type).toBe('refund');
      expectError(await refund(s.id, 1), 400, 'TRX-ERROR-150401', 'amount');
    });

    // imoje-api.md §3.2: GET /transaction/{id} is `{transaction: {…, refunds: [{transaction: {…refund…}}]}}`.
    it('GET of a refund has the shape of every read: refunds: [] (as a sale without refunds)', async () => {
      const s = await sale(2000);
      const saleRead = await gw.merchant.api.get<TransactionResponse>(`/transaction/${s.id}`);
      expect(saleRead.body.transaction.refunds).toEqual([]);
      const r = (await refund(s.id, 700)).body.transaction;
      const read = await gw.merchant.api.get<TransactionResponse>(`/transaction/${r.id}`);
      expect(read.status).toBe(200);
      expectTransactionShape(read.body.transaction);
      expect(read.body.transaction).toMatchObject({
        id: r.id,
        type: 'refund',
        status: 'settled',
        refunds: [],
      });
      const { refunds, ...rest } = read.body.transaction;
      expect(refunds).toEqual([]);
      // Otherwise the refund reads as the sale lists it.
      const listed = (await gw.merchant.api.get<TransactionResponse>(`/transaction/${s.id}`)).body.transaction
        .refunds![0]!.transaction;
      expect(rest).toEqual(listed);
    });

    it('partials up to the total; the one that would exceed it is 400; can-refund follows the balance', async () => {
      const s = await sale(1000);
      let can = await gw.merchant.api.post<CanRefund>(`/transaction/${s.id}/can-refund`, { amount: 1000 });
      expect(can.status).toBe(200);
      expect(can.body).toEqual({
        id: s.id,
        refundable: true,
        balance: 1000,
        fullRefund: true,
        partialRefund: { maxRefundAmount: 1000, minRefundAmount: 1 },
      });
      expect((await refund(s.id, 300)).body.transaction.status).toBe('settled');
      expect((await refund(s.id, 300)).body.transaction.status).toBe('settled');
      can = await gw.merchant.api.post<CanRefund>(`/transaction/${s.id}/can-refund`, { amount: 500 });
      expect(can.body).toMatchObject({ refundable: false, balance: 400, fullRefund: false });
      expect(can.body.partialRefund.maxRefundAmount).toBe(400);
      expectError(await refund(s.id, 401), 400, 'TRX-ERROR-150401');
      expect((await refund(s.id, 400)).body.transaction.status).toBe('settled');
      can = await gw.merchant.api.post<CanRefund>(`/transaction/${s.id}/can-refund`, { amount: 1 });
      expect(can.body).toMatchObject({ refundable: false, balance: 0 });
      const read = await gw.merchant.api.get<TransactionResponse>(`/transaction/${s.id}`);
      expect(read.body.transaction.refunds!.map((x) => x.transaction.amount)).toEqual([300, 300, 400]);
    });

    it('20 concurrent partial refunds whose sum exceeds the amount: the total refunded never exceeds the sale', async () => {
      const s = await sale(1000);
      const results = await Promise.all(Array.from({ length: 20 }, () => refund(s.id, 150)));
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status === 400);
      expect(ok.length + refused.length).toBe(20);
      expect(ok.length).toBe(6); // 6 × 150 = 900 ≤ 1000 < 7 × 150
      for (const r of refused) expectError(r, 400, 'TRX-ERROR-150401');
      const read = await gw.merchant.api.get<TransactionResponse>(`/transaction/${s.id}`);
      const total = read.body.transaction
        .refunds!.filter((x) => x.transaction.status === 'settled')
        .reduce((a, x) => a + x.transaction.amount, 0);
      expect(total).toBe(900);
      // The acquirer's own ledger agrees: it never paid back more than it charged.
      const ledger = (await gw.ledger.list()).filter(
        (e) => e.operation === 'refund' && e.saleReference === s.id && e.outcome === 'approved',
      );
      expect(ledger.reduce((a, e) => a + e.amount, 0)).toBe(900);
    });

    it('only a settled sale is refundable', async () => {
      const rejected = await sale(1000, '4444333322221111');
      expect(rejected.status).toBe('rejected');
      expectError(await refund(rejected.id, 100), 400, 'TRX-ERROR-150400');
      const can = await gw.merchant.api.post<CanRefund>(`/transaction/${rejected.id}/can-refund`, {
        amount: 100,
      });
      expect(can.body).toMatchObject({ refundable: false, balance: 0 });
      const s = await sale(1000);
      const r = await refund(s.id, 100);
      expectError(await refund(r.body.transaction.id, 10), 400, 'TRX-ERROR-150400'); // a refund is not refundable
    });

    it('refund validation and unknown ids', async () => {
      const s = await sale(1000);
      expectError(await refund(s.id, 0), 422, undefined, 'amount');
      expectError(
        await gw.merchant.api.post(`/transaction/${s.id}/refund`, {
          serviceId: gw.merchant.serviceId,
          amount: 10,
        }),
        422,
        undefined,
        'type',
      );
      expectError(
        await refund(s.id, 10, { serviceId: '6d2a3f3e-1b7c-4e5a-9f0b-2c4d6e8f0a1b' }),
        422,
        undefined,
        'serviceId',
      );
      expectError(await refund('6d2a3f3e-1b7c-4e5a-9f0b-2c4d6e8f0a1b', 10), 404, 'TRX-ERROR-110404');
      const other = await gw.newMerchant();
      const foreign = await other.api.post(`/transaction/${s.id}/refund`, {
        type: 'refund',
        serviceId: other.serviceId,
        amount: 10,
      });
      expectError(foreign, 404, 'TRX-ERROR-110404');
    });

    it('the refund answer is the same view as GET of the refund (a debit refund carries the profile)', async () => {
      const m = gw.merchant;
      const reg = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { amount: 700 }),
      );
      const r = await refund(reg.body.transaction.id, 200);
      expect(r.body.transaction.paymentProfile?.id).toBe(reg.body.transaction.paymentProfile!.id);
      const read = await m.api.get<TransactionResponse>(`/transaction/${r.body.transaction.id}`);
      // Only the read carries `refunds` (imoje-api.md §3.2), as for a sale: POST answers have none.
      const { refunds, ...view } = read.body.transaction;
      expect(refunds).toEqual([]);
      expect(r.body.transaction).not.toHaveProperty('refunds');
      expect(view).toEqual(r.body.transaction);
    });

    it('a refund with an Idempotency-Key is made once', async () => {
      const s = await sale(1000);
      const body = { type: 'refund', serviceId: gw.merchant.serviceId, amount: 100 };
      const [a, b] = await Promise.all([
        gw.merchant.api.post(`/transaction/${s.id}/refund`, body, { 'idempotency-key': 'refund-once' }),
        gw.merchant.api.post(`/transaction/${s.id}/refund`, body, { 'idempotency-key': 'refund-once' }),
      ]);
      expect(a.text).toBe(b.text);
      const read = await gw.merchant.api.get<TransactionResponse>(`/transaction/${s.id}`);
      expect(read.body.transaction.refunds).toHaveLength(1);
    });
  });
}
