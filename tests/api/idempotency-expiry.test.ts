import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { debitBody, saleBody } from '../support/payloads.js';
import { expectError, type TransactionResponse } from '../support/wire.js';

for (const db of DB_KINDS) {
  describe(`Idempotency-Key retention (${db})`, () => {
    let gw: TestGateway;
    const clock = new ManualClock(Date.now());
    beforeAll(async () => {
      gw = await startGateway({ db, clock, env: { KARTOTEKA_IDEMPOTENCY_TTL_HOURS: '1' } });
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('a key is kept for its retention time, then the worker forgets it', async () => {
      const m = gw.merchant;
      const reg = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
      const profileId = reg.body.transaction.paymentProfile!.id;
      const first = await m.api.post<TransactionResponse>(
        '/transaction/profile',
        debitBody(m.serviceId, profileId),
        {
          'idempotency-key': 'kept-an-hour',
        },
      );
      expect(first.status).toBe(200);

      clock.advance(59 * 60_000);
      await gw.gateway.worker.tick();
      expectError(
        await m.api.post('/transaction/profile', debitBody(m.serviceId, profileId, { amount: 1 }), {
          'idempotency-key': 'kept-an-hour',
        }),
        409,
        'API-ERROR-100409',
      );

      clock.advance(2 * 60_000);
      await gw.gateway.worker.tick();
      const keys = await gw.gateway.storage.db
        .selectFrom('idempotencyKeys')
        .select('key')
        .where('key', '=', 'kept-an-hour')
        .execute();
      expect(keys).toEqual([]);
      const again = await m.api.post<TransactionResponse>(
        '/transaction/profile',
        debitBody(m.serviceId, profileId, { amount: 1 }),
        {
          'idempotency-key': 'kept-an-hour',
        },
      );
      expect(again.status).toBe(200);
      expect(again.body.transaction.id).not.toBe(first.body.transaction.id);
    });
  });
}
