import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway, type TestMerchant } from '../support/gateway.js';
import { startImojeUpstream, type ImojeUpstream } from '../support/imoje-upstream.js';
import { debitBody, saleBody, uniqueCid } from '../support/payloads.js';
import { expectTransactionShape, type TransactionResponse } from '../support/wire.js';
import { everythingStored, upstreamOf } from './upstream.js';

/**
 * Issue 16 items 2–3: instance B (KARTOTEKA_ACQUIRER=imoje) in front of instance A (a sandbox Kartoteka, a
 * faithful imoje sandbox), real HTTP between them on loopback. The shop talks to B exactly as it would to
 * imoje; B keeps the card and sends it to A as FIRST (with CVV) and STANDARD (quoting A's firstTransactionId).
 */
const CARDS = [
  '4012001037141112',
  '4111111111111111',
  '4444333322221111',
  '4485201817664006',
  '5555555555554444',
];

for (const db of DB_KINDS) {
  describe(`Kartoteka in front of imoje: payments through upstream (B on ${db})`, () => {
    let upstream: ImojeUpstream;
    let b: TestGateway;
    let preauthShop: TestMerchant;

    beforeAll(async () => {
      upstream = await startImojeUpstream();
      b = await startGateway({ db, env: upstream.env() });
      preauthShop = await b.newMerchant({ preauth: true });
    });
    afterAll(async () => {
      await b?.close();
      await upstream?.close();
    });

    async function pay(body: Record<string, unknown>, m = b.merchant) {
      const res = await m.api.post<TransactionResponse>('/transaction', body);
      expect(res.status, res.text).toBe(200);
      expectTransactionShape(res.body.transaction);
      return res.body;
    }

    it('a FIRST payment goes upstream as FIRST with the CVV; upstream’s firstTransactionId is the one B gives', async () => {
      const body = saleBody(b.merchant.serviceId, { profileType: 'FIRST' });
      const { transaction, action } = await pay(body);
      expect(action).toBeUndefined();
      expect(transaction).toMatchObject({ status: 'settled', statusCode: 'CODE_000' });
      const [up, ...more] = await upstreamOf(upstream.a, transaction.id);
      expect(more).toHaveLength(0);
      expect(up!.row).toMatchObject({ profileVariant: 'FIRST', status: 'settled', amount: 1999 });
      expect(up!.ledger).toHaveLength(1);
      expect(up!.ledger[0]).toMatchObject({ storedCredential: 'first', outcome: 'approved' });
      expect(transaction.firstTransactionId).toBe(up!.row.networkTxnId);
    });

    it('a STANDARD payment on B goes upstream as STANDARD quoting upstream’s first transaction, no CVV', async () => {
      const first = await pay(
        saleBody(b.merchant.serviceId, { profileType: 'FIRST', paymentMethodCode: 'recurring' }),
      );
      const firstTransactionId = first.transaction.firstTransactionId!;
      const later = await pay(
        saleBody(
          b.merchant.serviceId,
          { profileType: 'STANDARD', paymentMethodCode: 'recurring', additionalData: null },
          { cvv: null, firstTransactionId },
        ),
      );
      expect(later.transaction).toMatchObject({ status: 'settled', statusCode: 'CODE_000' });
      const [up] = await upstreamOf(upstream.a, later.transaction.id);
      expect(up!.row).toMatchObject({ profileVariant: 'STANDARD', quotedNetworkTxnId: firstTransactionId });
      expect(up!.ledger[0]).toMatchObject({
        storedCredential: 'subsequent',
        initiator: 'MIT',
        quotedNetworkTxnId: firstTransactionId,
        outcome: 'approved',
      });
    });

    it('a declined card is rejected with upstream’s result code (CODE_05; CODE_51 for 1.00)', async () => {
      const declined = await pay(
        saleBody(b.merchant.serviceId, { profileType: 'FIRST' }, { number: '4444333322221111' }),
      );
      expect(declined.transaction).toMatchObject({ status: 'rejected', statusCode: 'CODE_05' });
      const poor = await pay(
        saleBody(b.merchant.serviceId, { profileType: 'FIRST', amount: 100 }, { number: '4444333322221111' }),
      );
      expect(poor.transaction).toMatchObject({ status: 'rejected', statusCode: 'CODE_51' });
    });

    it('registers a OneClick profile on B and debits it (CIT) through upstream STANDARD', async () => {
      const registered = await pay(saleBody(b.merchant.serviceId, {}, { number: '5555555555554444' }));
      expect(registered.transaction.status).toBe('settled');
      const profile = registered.transaction.paymentProfile!;
      expect(profile).toMatchObject({
        profile: 'ONE_CLICK',
        maskedNumber: '****4444',
        organization: 'MASTERCARD',
      });
      const debit = await b.merchant.api.post<TransactionResponse>(
        '/transaction/profile',
        debitBody(b.merchant.serviceId, profile.id),
      );
      expect(debit.status, debit.text).toBe(200);
      expect(debit.body.transaction).toMatchObject({ status: 'settled', paymentMethodCode: 'oneclick' });
      const [up] = await upstreamOf(upstream.a, debit.body.transaction.id);
      expect(up!.row).toMatchObject({
        profileVariant: 'STANDARD',
        quotedNetworkTxnId: profile.firstTransactionId,
      });
      expect(up!.ledger[0]).toMatchObject({ initiator: 'CIT', storedCredential: 'subsequent' });
    });

    it('debits a recurring profile (MIT); a card whose later debits upstream rejects is rejected on B', async () => {
      for (const [number, status] of [
        ['4111111111111111', 'settled'],
        ['4485201817664006', 'rejected'],
      ] as const) {
        const registered = await pay(
          saleBody(
            b.merchant.serviceId,
            {
              paymentMethodCode: 'recurring',
              customer: { firstName: 'A', lastName: 'B', email: 'a@example.com', cid: uniqueCid() },
            },
            { number },
          ),
        );
        const profile = registered.transaction.paymentProfile!;
        expect(profile.profile).toBe('RECURRING');
        const debit = await b.merchant.api.post<TransactionResponse>(
          '/transaction/profile',
          debitBody(b.merchant.serviceId, profile.id),
        );
        expect(debit.body.transaction.status).toBe(status);
        const [up] = await upstreamOf(upstream.a, debit.body.transaction.id);
        expect(up!.ledger[0]).toMatchObject({
          initiator: 'MIT',
          quotedNetworkTxnId: profile.firstTransactionId,
        });
      }
    });

    it('refunds upstream: partial, then the rest; an over-refund is refused and upstream refunds nothing more', async () => {
      const sale = await pay(saleBody(b.merchant.serviceId, { profileType: 'FIRST', amount: 1000 }));
      const id = sale.transaction.id;
      const refund = (amount: number) =>
        b.merchant.api.post<TransactionResponse>(`/transaction/${id}/refund`, {
          type: 'refund',
          serviceId: b.merchant.serviceId,
          amount,
        });
      const partial = await refund(400);
      expect(partial.status, partial.text).toBe(200);
      expect(partial.body.transaction).toMatchObject({ type: 'refund', status: 'settled', amount: 400 });
      const over = await refund(700);
      expect(over.status).toBe(400);
      const rest = await refund(600);
      expect(rest.body.transaction).toMatchObject({ type: 'refund', status: 'settled' });
      expect((await refund(1)).status).toBe(400);
      const [up] = await upstreamOf(upstream.a, id);
      const refunds = (await upstream.a.ledger.list()).filter(
        (e) => e.operation === 'refund' && e.saleReference === up!.row.id && e.outcome === 'approved',
      );
      expect(refunds.map((r) => r.amount).sort()).toEqual([400, 600]);
    });

    it('a pre-authorisation is held upstream; capture settles it there, void cancels it there', async () => {
      const m = preauthShop;
      const held = await pay(saleBody(m.serviceId, { profileType: 'FIRST' }), m);
      expect(held.transaction.status).toBe('authorized');
      const [upHeld] = await upstreamOf(upstream.a, held.transaction.id);
      expect(upHeld!.row).toMatchObject({ status: 'authorized', serviceId: upstream.preauthServiceId });
      const captured = await m.api.post<TransactionResponse>(`/transaction/${held.transaction.id}/capture`);
      expect(captured.status, captured.text).toBe(200);
      expect(captured.body.transaction.status).toBe('settled');
      expect((await upstreamOf(upstream.a, held.transaction.id))[0]!.row.status).toBe('settled');

      const other = await pay(saleBody(m.serviceId, { profileType: 'FIRST' }), m);
      const voided = await m.api.post<TransactionResponse>(`/transaction/${other.transaction.id}/void`);
      expect(voided.status, voided.text).toBe(200);
      expect(voided.body.transaction.status).toBe('cancelled');
      expect((await upstreamOf(upstream.a, other.transaction.id))[0]!.row.status).toBe('cancelled');
    });

    it('a card upstream challenges: B answers pending with A’s challenge page as action, replays it under the same key, and ends with A’s outcome (the browser part: challenge-browser.test.ts)', async () => {
      const body = saleBody(b.merchant.serviceId, { profileType: 'FIRST' }, { number: '4012001037141112' });
      const key = { 'idempotency-key': `challenge-${Date.now()}` };
      const res = await b.merchant.api.post<TransactionResponse>('/transaction', body, key);
      expect(res.status, res.text).toBe(200);
      const { transaction, action } = res.body;
      expect(transaction.status).toBe('pending');
      const [up] = await upstreamOf(upstream.a, transaction.id);
      expect(action).toMatchObject({ type: 'redirect', url: `${upstream.a.url}/3ds/${up!.row.id}` });
      expect(up!.row.status).toBe('pending');
      expect(up!.ledger).toHaveLength(0);
      // A retry under the same key, while the payer is at A: the same answer, action included.
      const again = await b.merchant.api.post<TransactionResponse>('/transaction', body, key);
      expect(again.body).toEqual(res.body);
      // The payer back before A decided (here: never went): B reads A, finalises nothing, says so.
      const back = `${b.url}/kartoteka/imoje/return/${transaction.id}`;
      const early = await fetch(back, { redirect: 'manual' });
      expect(early.status).toBe(202);
      expect(await early.text()).toContain('Payment in progress');
      expect(
        (await b.merchant.api.get<TransactionResponse>(`/transaction/${transaction.id}`)).body.transaction
          .status,
      ).toBe('pending');
      // The payer passes at A (its form, posted as the page would); the return settles it on B.
      const passed = await fetch(action!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'result=pass',
        redirect: 'manual',
      });
      expect(passed.headers.get('location')).toBe(back);
      const done = await fetch(back, { redirect: 'manual' });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe('https://shop.example/success');
      // The same key now answers the final payment, without the action.
      const final = await b.merchant.api.post<TransactionResponse>('/transaction', body, key);
      expect(final.body.transaction).toMatchObject({ id: transaction.id, status: 'settled' });
      expect(final.body.action).toBeUndefined();
      expect((await upstreamOf(upstream.a, transaction.id))[0]!.ledger).toHaveLength(1);
    });

    it('no card number in B’s logs, A’s logs, or anything B stores in clear', async () => {
      const logs = b.logs.join('') + upstream.a.logs.join('');
      for (const pan of CARDS) expect(logs).not.toContain(pan);
      // Nor B's upstream credentials.
      expect(b.logs.join('')).not.toContain(upstream.a.merchant.token);
      expect(b.logs.join('')).not.toContain(upstream.a.merchant.serviceKey);
      // Every table B keeps, on either database (the cards are in the vault, sealed).
      const stored = await everythingStored(b);
      expect(stored).toContain('"last4":"1111"');
      for (const pan of CARDS) expect(stored).not.toContain(pan);
      if (db === 'sqlite') {
        for (const file of readdirSync(b.dataDir)) {
          const bytes = readFileSync(join(b.dataDir, file)).toString('latin1');
          for (const pan of CARDS) expect(bytes, file).not.toContain(pan);
        }
      }
    });
  });
}
