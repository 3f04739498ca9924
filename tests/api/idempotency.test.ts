import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { debitBody, saleBody } from '../support/payloads.js';
import { expectError, type TransactionResponse } from '../support/wire.js';

for (const db of DB_KINDS) {
  describe(`Idempotency-Key (${db})`, () => {
    let gw: TestGateway;
    let profileId: string;
    beforeAll(async () => {
      gw = await startGateway({ db });
      const reg = await gw.merchant.api.post<TransactionResponse>(
        '/transaction',
        saleBody(gw.merchant.serviceId),
      );
      profileId = reg.body.transaction.paymentProfile!.id;
    });
    afterAll(async () => {
      await gw?.close();
    });

    async function authorizations(): Promise<number> {
      return (await gw.ledger.list()).filter((e) => e.operation === 'authorize').length;
    }

    it('the same key and payload returns the first response again (same status, same body) and charges once', async () => {
      const m = gw.merchant;
      const body = debitBody(m.serviceId, profileId);
      const before = await authorizations();
      const first = await m.api.post<TransactionResponse>('/transaction/profile', body, {
        'idempotency-key': 'k-replay',
      });
      const second = await m.api.post<TransactionResponse>('/transaction/profile', body, {
        'idempotency-key': 'k-replay',
      });
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.text).toBe(first.text);
      expect(first.headers.get('idempotent-replayed')).toBe('false');
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(await authorizations()).toBe(before + 1);
    });

    it('the same key with keys in another order is the same request', async () => {
      const m = gw.merchant;
      const body = debitBody(m.serviceId, profileId);
      const reordered = Object.fromEntries(Object.entries(body).reverse());
      const first = await m.api.post('/transaction/profile', body, { 'idempotency-key': 'k-order' });
      const second = await m.api.post('/transaction/profile', reordered, { 'idempotency-key': 'k-order' });
      expect(second.text).toBe(first.text);
    });

    it('the same key with a different payload is a 409', async () => {
      const m = gw.merchant;
      await m.api.post('/transaction/profile', debitBody(m.serviceId, profileId, { amount: 100 }), {
        'idempotency-key': 'k-conflict',
      });
      const res = await m.api.post(
        '/transaction/profile',
        debitBody(m.serviceId, profileId, { amount: 200 }),
        {
          'idempotency-key': 'k-conflict',
        },
      );
      expectError(res, 409, 'API-ERROR-100409', 'Idempotency-Key');
    });

    it('an error response is replayed too (the same 4xx for the same request)', async () => {
      const m = gw.merchant;
      const body = debitBody(m.serviceId, '6d2a3f3e-1b7c-4e5a-9f0b-2c4d6e8f0a1b');
      const first = await m.api.post('/transaction/profile', body, { 'idempotency-key': 'k-error' });
      const second = await m.api.post('/transaction/profile', body, { 'idempotency-key': 'k-error' });
      expectError(first, 404);
      expect(second.status).toBe(404);
      expect(second.text).toBe(first.text);
    });

    it('keys are scoped per merchant', async () => {
      const other = await gw.newMerchant();
      const reg = await other.api.post<TransactionResponse>('/transaction', saleBody(other.serviceId));
      const otherProfile = reg.body.transaction.paymentProfile!.id;
      const a = await gw.merchant.api.post<TransactionResponse>(
        '/transaction/profile',
        debitBody(gw.merchant.serviceId, profileId),
        {
          'idempotency-key': 'shared-key',
        },
      );
      const b = await other.api.post<TransactionResponse>(
        '/transaction/profile',
        debitBody(other.serviceId, otherProfile),
        {
          'idempotency-key': 'shared-key',
        },
      );
      expect(a.status).toBe(200);
      expect(b.status).toBe(200);
      expect(b.body.transaction.id).not.toBe(a.body.transaction.id);
    });

    it('50 concurrent debits with one key: exactly one transaction and one acquirer charge, all get the same answer', async () => {
      const m = gw.merchant;
      const body = debitBody(m.serviceId, profileId, { orderId: 'concurrent-50' });
      const before = await authorizations();
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          m.api.post<TransactionResponse>('/transaction/profile', body, { 'idempotency-key': 'k-50' }),
        ),
      );
      for (const r of results) {
        expect(r.status).toBe(200);
        expect(r.text).toBe(results[0]!.text);
      }
      expect(await authorizations()).toBe(before + 1);
      const rows = await gw.gateway.storage.db
        .selectFrom('transactions')
        .select('id')
        .where('orderId', '=', 'concurrent-50')
        .execute();
      expect(rows).toHaveLength(1);
    });

    it('registrations are idempotent as well', async () => {
      const m = gw.merchant;
      const body = saleBody(m.serviceId);
      const [x, y] = await Promise.all([
        m.api.post('/transaction', body, { 'idempotency-key': 'k-reg' }),
        m.api.post('/transaction', body, { 'idempotency-key': 'k-reg' }),
      ]);
      expect(x.text).toBe(y.text);
      const rows = await gw.gateway.storage.db
        .selectFrom('transactions')
        .select('id')
        .where('orderId', '=', body.orderId as string)
        .execute();
      expect(rows).toHaveLength(1);
    });

    it('422 for an unusable key', async () => {
      const m = gw.merchant;
      const res = await m.api.post('/transaction/profile', debitBody(m.serviceId, profileId), {
        'idempotency-key': 'x'.repeat(300),
      });
      expectError(res, 422, undefined, 'Idempotency-Key');
    });
  });
}
