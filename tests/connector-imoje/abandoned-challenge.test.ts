import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { startImojeUpstream, type ImojeUpstream } from '../support/imoje-upstream.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';
import { approvedCharges, upstreamOf } from './upstream.js';

/**
 * A challenge nobody answers at upstream: B never expires it on its own (the payer may still pass it at A, and
 * A would charge); A's expiry ends it, A notifies B, and B ends the payment as A did. A payer arriving late is
 * sent to the shop's failure URL.
 */
for (const db of DB_KINDS) {
  describe(`Kartoteka in front of imoje: a challenge abandoned at upstream (B on ${db})`, () => {
    let upstream: ImojeUpstream;
    let b: TestGateway;

    beforeAll(async () => {
      upstream = await startImojeUpstream(1000, { KARTOTEKA_CHALLENGE_TTL_SECONDS: '1' });
      b = await startGateway({ db, env: { ...upstream.env(), KARTOTEKA_RECOVERY_GRACE_MS: '0' } });
    });
    afterAll(async () => {
      await b?.close();
      await upstream?.close();
    });

    it('stays pending on B until A expires it; then rejected CODE_570 on B, nothing charged, a late payer sent to the failure URL', async () => {
      const before = (await approvedCharges(upstream.a)).length;
      const res = await b.merchant.api.post<TransactionResponse>(
        '/transaction',
        saleBody(b.merchant.serviceId, { profileType: 'FIRST' }, { number: '4012001037141112' }),
      );
      const id = res.body.transaction.id;
      expect(res.body.action).toBeDefined();
      await sleep(1200);
      // B's own chores (recovery, challenge expiry) leave it to A: still pending.
      await b.gateway.worker.tick();
      const read = async () =>
        (await b.merchant.api.get<TransactionResponse>(`/transaction/${id}`)).body.transaction;
      expect((await read()).status).toBe('pending');
      // A's worker expires its challenge and notifies B.
      await upstream.a.gateway.worker.tick();
      await upstream.a.gateway.worker.tick();
      expect((await upstreamOf(upstream.a, id))[0]!.row).toMatchObject({
        status: 'rejected',
        statusCode: 'CODE_570',
      });
      expect(await read()).toMatchObject({ status: 'rejected', statusCode: 'CODE_570' });
      expect(await approvedCharges(upstream.a)).toHaveLength(before);
      const late = await fetch(`${b.url}/kartoteka/imoje/return/${id}`, { redirect: 'manual' });
      expect(late.status).toBe(303);
      expect(late.headers.get('location')).toBe('https://shop.example/failure');
    });
  });
}
