import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway, type TestMerchant } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import { expectError, expectTransactionShape, type TransactionResponse } from '../support/wire.js';

interface CanRefund {
  refundable: boolean;
  balance: number;
  partialRefund: { maxRefundAmount: number };
}

/**
 * Issue 14 item 5. `POST /transaction/{id}/capture` used to ignore an `amount` in its body and capture the
 * whole hold. Now `{amount}` (at most the authorised amount) captures that much and releases the rest; the
 * settled sale, its notification and its refundable balance show the captured amount.
 */
for (const db of DB_KINDS) {
  describe(`partial capture (${db})`, () => {
    let gw: TestGateway;
    let m: TestMerchant;
    beforeAll(async () => {
      // Notifications are only written (the worker is off): the URL is never called.
      gw = await startGateway({ db, shop: { preauth: true, notificationUrl: 'http://127.0.0.1:9/notify' } });
      m = gw.merchant;
    });
    afterAll(async () => {
      await gw?.close();
    });

    async function authorized(amount = 10_000): Promise<string> {
      const res = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { amount, paymentMethodCode: 'ecom3ds' }),
      );
      expect(res.body.transaction.status).toBe('authorized');
      return res.body.transaction.id;
    }

    async function ledger(id: string) {
      return (await gw.ledger.list()).filter((e) => e.reference === id || e.saleReference === id);
    }

    async function notifiedAmounts(id: string): Promise<Array<[string, number, number]>> {
      const rows = await gw.gateway.storage.repos.notifications.list({ transactionId: id, limit: 10 });
      return rows
        .sort((a, b) => a.ordinal - b.ordinal)
        .map((r) => {
          const body = JSON.parse(r.body) as {
            transaction: { status: string; amount: number };
            payment: { amount: number };
          };
          return [body.transaction.status, body.transaction.amount, body.payment.amount];
        });
    }

    it('an amount was silently ignored: now the capture settles exactly that amount and releases the rest', async () => {
      const id = await authorized(10_000);
      const res = await m.api.post<TransactionResponse>(`/transaction/${id}/capture`, { amount: 6_000 });
      expect(res.status).toBe(200);
      expectTransactionShape(res.body.transaction);
      expect(res.body.transaction.status).toBe('settled');
      expect(res.body.transaction.amount).toBe(6_000);
      const read = await m.api.get<TransactionResponse>(`/transaction/${id}`);
      expect([read.body.transaction.status, read.body.transaction.amount]).toEqual(['settled', 6_000]);
      // The acquirer's own book: the hold was for 10 000, exactly 6 000 was captured, nothing else.
      const entries = await ledger(id);
      expect(entries.map((e) => [e.operation, e.outcome, e.amount]).sort()).toEqual([
        ['authorize', 'approved', 10_000],
        ['capture', 'approved', 6_000],
      ]);
      // The notification of the capture carries the captured amount; the earlier one the hold.
      expect(await notifiedAmounts(id)).toEqual([
        ['authorized', 10_000, 10_000],
        ['settled', 6_000, 6_000],
      ]);
      // The rest is released: nothing more can be captured or voided.
      expectError(await m.api.post(`/transaction/${id}/capture`, { amount: 1_000 }), 400, 'TRX-ERROR-160400');
      expectError(await m.api.post(`/transaction/${id}/void`), 400, 'TRX-ERROR-160400');
      expect(await ledger(id)).toHaveLength(2);
    });

    it('without an amount (no body, {}, [], {amount: null}) the whole authorised amount is captured', async () => {
      for (const body of [undefined, {}, [], { amount: null }]) {
        const id = await authorized(7_000);
        const res = await m.api.post<TransactionResponse>(`/transaction/${id}/capture`, body);
        expect(res.status, JSON.stringify(body)).toBe(200);
        expect([res.body.transaction.status, res.body.transaction.amount]).toEqual(['settled', 7_000]);
        const capture = (await ledger(id)).find((e) => e.operation === 'capture');
        expect([capture?.outcome, capture?.amount]).toEqual(['approved', 7_000]);
      }
    });

    it('an amount equal to the authorised amount is a full capture', async () => {
      const id = await authorized(5_000);
      const res = await m.api.post<TransactionResponse>(`/transaction/${id}/capture`, { amount: 5_000 });
      expect([res.status, res.body.transaction.amount]).toEqual([200, 5_000]);
    });

    it('more than the authorised amount is refused (422, catalogued) and nothing is captured', async () => {
      const id = await authorized(10_000);
      const err = expectError(
        await m.api.post(`/transaction/${id}/capture`, { amount: 10_001 }),
        422,
        'TRX-ERROR-160422',
        'amount',
      );
      expect(err.errors[0]!.message).toContain('10000');
      expect((await ledger(id)).map((e) => e.operation)).toEqual(['authorize']);
      const read = await m.api.get<TransactionResponse>(`/transaction/${id}`);
      expect([read.body.transaction.status, read.body.transaction.amount]).toEqual(['authorized', 10_000]);
      // The hold is untouched: it can still be captured in full.
      const full = await m.api.post<TransactionResponse>(`/transaction/${id}/capture`);
      expect([full.body.transaction.status, full.body.transaction.amount]).toEqual(['settled', 10_000]);
    });

    it('an amount of 0, below 0, not an integer or not a number is refused by the schema (422)', async () => {
      const id = await authorized(10_000);
      for (const amount of [0, -5, 12.5, '6000', 1_000_000_000]) {
        expectError(await m.api.post(`/transaction/${id}/capture`, { amount }), 422, 'API-ERROR-100422');
      }
      expect((await ledger(id)).map((e) => e.operation)).toEqual(['authorize']);
    });

    it('capture with an amount of a non-authorised transaction is refused as before (400)', async () => {
      const plain = await gw.newMerchant();
      const reg = await plain.api.post<TransactionResponse>('/transaction', saleBody(plain.serviceId));
      expect(reg.body.transaction.status).toBe('settled');
      // Even an amount above the sale's: the status decides first, as it always did.
      for (const amount of [1, 1_000_000]) {
        expectError(
          await plain.api.post(`/transaction/${reg.body.transaction.id}/capture`, { amount }),
          400,
          'TRX-ERROR-160400',
        );
      }
    });

    it('a refund after a partial capture is limited to the captured amount, by the gateway and the acquirer', async () => {
      const id = await authorized(10_000);
      await m.api.post(`/transaction/${id}/capture`, { amount: 4_000 });
      const check = await m.api.post<CanRefund>(`/transaction/${id}/can-refund`, { amount: 4_001 });
      expect([check.body.refundable, check.body.balance, check.body.partialRefund.maxRefundAmount]).toEqual([
        false,
        4_000,
        4_000,
      ]);
      const refund = (amount: number) =>
        m.api.post<TransactionResponse>(`/transaction/${id}/refund`, {
          type: 'refund',
          serviceId: m.serviceId,
          amount,
        });
      expectError(await refund(4_001), 400, 'TRX-ERROR-150401');
      expect((await refund(3_000)).body.transaction.status).toBe('settled');
      expectError(await refund(1_001), 400, 'TRX-ERROR-150401');
      expect((await refund(1_000)).body.transaction.status).toBe('settled');
      expectError(await refund(1), 400, 'TRX-ERROR-150401');
      const refunds = (await ledger(id)).filter((e) => e.operation === 'refund');
      expect(refunds.map((e) => [e.outcome, e.amount])).toEqual([
        ['approved', 3_000],
        ['approved', 1_000],
      ]);
    });

    it('the sandbox acquirer refunds no more than a partial capture took, whatever the gateway asks', async () => {
      const id = await authorized(10_000);
      await m.api.post(`/transaction/${id}/capture`, { amount: 2_500 });
      // Straight to the connector, past the gateway's own balance check.
      const over = await gw.gateway.acquirer.refund({
        reference: `${id.slice(0, -4)}ffff`,
        saleReference: id,
        amount: 2_501,
        currency: 'PLN',
      });
      expect(over.outcome).toBe('declined');
      const within = await gw.gateway.acquirer.refund({
        reference: `${id.slice(0, -4)}eeee`,
        saleReference: id,
        amount: 2_500,
        currency: 'PLN',
      });
      expect(within.outcome).toBe('approved');
    });

    it('the sandbox acquirer refuses to capture more than the hold (CODE_13) and takes nothing', async () => {
      const id = await authorized(10_000);
      const over = await gw.gateway.acquirer.capture({ reference: id, amount: 10_001, currency: 'PLN' });
      expect([over.outcome, over.code]).toEqual(['declined', 'CODE_13']);
      const entries = await ledger(id);
      expect(entries.map((e) => [e.operation, e.outcome, e.captured])).toEqual([
        ['authorize', 'approved', false],
        ['capture', 'declined', false],
      ]);
    });

    it('concurrent captures with different amounts: exactly one wins, and that amount is what was taken', async () => {
      const id = await authorized(10_000);
      const amounts = [3_000, 7_000, 10_000];
      const answers = await Promise.all(
        amounts.map((amount) => m.api.post<TransactionResponse>(`/transaction/${id}/capture`, { amount })),
      );
      const won = answers.filter((a) => a.status === 200);
      expect(won).toHaveLength(1);
      expect(answers.filter((a) => a.status === 400)).toHaveLength(amounts.length - 1);
      const amount = won[0]!.body.transaction.amount;
      const captures = (await ledger(id)).filter((e) => e.operation === 'capture');
      expect(captures.map((e) => [e.outcome, e.amount])).toEqual([['approved', amount]]);
      const read = await m.api.get<TransactionResponse>(`/transaction/${id}`);
      expect([read.body.transaction.status, read.body.transaction.amount]).toEqual(['settled', amount]);
    });

    it('an Idempotency-Key replay of a partial capture gives the same answer; another amount under it is 409', async () => {
      const id = await authorized(10_000);
      const key = { 'idempotency-key': `partial-${id}` };
      const first = await m.api.post<TransactionResponse>(
        `/transaction/${id}/capture`,
        { amount: 2_000 },
        key,
      );
      expect([first.status, first.body.transaction.amount]).toEqual([200, 2_000]);
      const again = await m.api.post(`/transaction/${id}/capture`, { amount: 2_000 }, key);
      expect([again.status, again.text]).toEqual([200, first.text]);
      expectError(
        await m.api.post(`/transaction/${id}/capture`, { amount: 3_000 }, key),
        409,
        'API-ERROR-100409',
      );
      expect((await ledger(id)).filter((e) => e.operation === 'capture')).toHaveLength(1);
      // A refused amount is an answer too: replayed as it was, and still nothing captured.
      const other = await authorized(10_000);
      const overKey = { 'idempotency-key': `partial-over-${other}` };
      const refused = await m.api.post(`/transaction/${other}/capture`, { amount: 20_000 }, overKey);
      const replayed = await m.api.post(`/transaction/${other}/capture`, { amount: 20_000 }, overKey);
      expect([refused.status, replayed.status, replayed.text]).toEqual([422, 422, refused.text]);
      expect((await ledger(other)).map((e) => e.operation)).toEqual(['authorize']);
    });
  });
}
