import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestHash } from '../../src/payments/idempotency.js';
import { recoverStuckPayments } from '../../src/payments/recover.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

/**
 * A capture or void whose process died after claiming the transaction (stage `capturing`/`voiding`), retried
 * with the same Idempotency-Key: the retry answers the recovered outcome — the capture done — never "only an
 * authorized transaction can be captured". Found by the crash test (tests/crash).
 */
for (const db of DB_KINDS) {
  describe(`${db}: capture/void retried after a crash`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db, shop: { preauth: true } });
    });
    afterAll(async () => {
      await gw?.close();
    });

    async function authorized(): Promise<{ id: string; amount: number }> {
      const res = await gw.merchant.api.post<TransactionResponse>(
        '/transaction',
        saleBody(gw.merchant.serviceId),
      );
      expect(res.body.transaction.status).toBe('authorized');
      return { id: res.body.transaction.id, amount: res.body.transaction.amount };
    }

    /** What a process killed right after claiming the transaction for `operation` leaves behind. */
    async function diedAfterClaim(id: string, operation: 'capture' | 'void', key: string): Promise<string> {
      const repos = gw.gateway.storage.repos;
      const path = `/v1/merchant/${gw.merchant.merchantId}/transaction/${id}/${operation}`;
      const now = Date.now();
      await repos.idempotency.claim({
        merchantId: gw.merchant.merchantId,
        key,
        requestHash: requestHash('POST', path, {}),
        state: 'in_flight',
        responseStatus: null,
        responseBody: null,
        transactionId: id,
        createdAt: now,
        expiresAt: now + 3_600_000,
        leaseUntil: now - 1, // its holder is dead
      });
      const stage = operation === 'capture' ? 'capturing' : 'voiding';
      // Its acquirer request's deadline has passed too: only then does "no record" mean "never asked".
      expect(
        await repos.transactions.updateTransaction(
          id,
          { stage, acquirerDeadline: now - 1 },
          { stage: 'done' },
        ),
      ).toBe(true);
      return `/transaction/${id}/${operation}`;
    }

    async function ledger(reference: string) {
      return (await gw.ledger.list()).filter((e) => e.reference === reference);
    }

    it('killed before asking the acquirer: the retry captures, once', async () => {
      const t = await authorized();
      const path = await diedAfterClaim(t.id, 'capture', `cap-a-${t.id}`);
      const res = await gw.merchant.api.post<TransactionResponse>(
        path,
        {},
        { 'idempotency-key': `cap-a-${t.id}` },
      );
      expect(res.status).toBe(200);
      expect(res.body.transaction.status).toBe('settled');
      expect((await ledger(t.id)).map((e) => `${e.operation} ${e.outcome}`).sort()).toEqual([
        'authorize approved',
        'capture approved',
      ]);
      // And the answer is kept: the same key again replays it.
      const again = await gw.merchant.api.post(path, {}, { 'idempotency-key': `cap-a-${t.id}` });
      expect([again.status, again.text]).toEqual([200, res.text]);
    });

    it('killed after the acquirer captured: the retry answers settled without capturing again', async () => {
      const t = await authorized();
      const path = await diedAfterClaim(t.id, 'capture', `cap-b-${t.id}`);
      await gw.gateway.acquirer.capture({ reference: t.id, amount: t.amount, currency: 'PLN' });
      const res = await gw.merchant.api.post<TransactionResponse>(
        path,
        {},
        { 'idempotency-key': `cap-b-${t.id}` },
      );
      expect(res.status).toBe(200);
      expect(res.body.transaction.status).toBe('settled');
      expect((await ledger(t.id)).filter((e) => e.operation === 'capture')).toHaveLength(1);
    });

    it('a void killed after the acquirer voided: the retry answers cancelled', async () => {
      const t = await authorized();
      const path = await diedAfterClaim(t.id, 'void', `void-${t.id}`);
      await gw.gateway.acquirer.void({ reference: t.id, amount: t.amount, currency: 'PLN' });
      const res = await gw.merchant.api.post<TransactionResponse>(
        path,
        {},
        { 'idempotency-key': `void-${t.id}` },
      );
      expect(res.status).toBe(200);
      expect(res.body.transaction.status).toBe('cancelled');
    });

    /** What a process killed right after claiming a capture of `amount` of the hold leaves behind. */
    async function diedAfterPartialClaim(id: string, held: number, amount: number): Promise<void> {
      expect(
        await gw.gateway.storage.repos.transactions.updateTransaction(
          id,
          { stage: 'capturing', acquirerDeadline: Date.now() - 1, amount, authorizedAmount: held },
          { stage: 'done' },
        ),
      ).toBe(true);
    }

    it('a partial capture killed after the acquirer captured: recovery settles the captured amount', async () => {
      const t = await authorized();
      await diedAfterPartialClaim(t.id, t.amount, 700);
      await gw.gateway.acquirer.capture({ reference: t.id, amount: 700, currency: 'PLN' });
      await recoverStuckPayments(gw.gateway.payments, 0);
      const read = await gw.merchant.api.get<TransactionResponse>(`/transaction/${t.id}`);
      expect([read.body.transaction.status, read.body.transaction.amount]).toEqual(['settled', 700]);
    });

    it('a partial capture killed before asking the acquirer: the hold keeps its whole amount', async () => {
      const t = await authorized();
      await diedAfterPartialClaim(t.id, t.amount, 700);
      // While the claim is unresolved the sale is still the hold it was.
      const during = await gw.merchant.api.get<TransactionResponse>(`/transaction/${t.id}`);
      expect([during.body.transaction.status, during.body.transaction.amount]).toEqual([
        'authorized',
        t.amount,
      ]);
      await recoverStuckPayments(gw.gateway.payments, 0);
      const read = await gw.merchant.api.get<TransactionResponse>(`/transaction/${t.id}`);
      expect([read.body.transaction.status, read.body.transaction.amount]).toEqual(['authorized', t.amount]);
      expect((await ledger(t.id)).map((e) => e.operation)).toEqual(['authorize']);
      // And the whole hold can still be captured.
      const full = await gw.merchant.api.post<TransactionResponse>(`/transaction/${t.id}/capture`);
      expect([full.body.transaction.status, full.body.transaction.amount]).toEqual(['settled', t.amount]);
    });

    it('the refusal names the operation: "voided", not "voidd"', async () => {
      const t = await authorized();
      await gw.merchant.api.post(`/transaction/${t.id}/void`, {});
      const res = await gw.merchant.api.post<{ apiErrorResponse: { errors: Array<{ message: string }> } }>(
        `/transaction/${t.id}/void`,
        {},
      );
      expect(res.status).toBe(400);
      expect(res.body.apiErrorResponse.errors[0]!.message).toContain('can be voided');
    });
  });
}
