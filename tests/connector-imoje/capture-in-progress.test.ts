import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpRequest } from '../../src/acquirer/acquirer.js';
import { AcquirerCallError } from '../../src/acquirer/guarded-acquirer.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway, type TestMerchant } from '../support/gateway.js';
import { startImojeUpstream, type ImojeUpstream } from '../support/imoje-upstream.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';
import { upstreamOf } from './upstream.js';

/**
 * A capture or void that upstream accepted and had not finished when it answered: upstream (A, a Kartoteka)
 * waits on its own acquirer, gives up waiting, and answers 200 with its sale still `authorized` — then its
 * acquirer captures (voids) a moment later. B used to read that 200 as a decline (CODE_12): it answered the
 * shop 400 "the acquirer refused the capture", released the hold on its side and recorded the attempt as final,
 * so A's later notification changed nothing — the money taken upstream while B said the hold was untouched.
 * Now the outcome is unknown until upstream says `settled`/`cancelled`: B answers the hold as it stands
 * (`authorized`, not refused) and settles it from A's notification, sending nothing again.
 */
for (const db of DB_KINDS) {
  describe(`Kartoteka in front of imoje: a capture or void still in progress upstream (B on ${db})`, () => {
    let upstream: ImojeUpstream;
    let b: TestGateway;
    let m: TestMerchant;

    beforeAll(async () => {
      upstream = await startImojeUpstream(1000, { KARTOTEKA_RECOVERY_GRACE_MS: '0' });
      b = await startGateway({
        db,
        env: { ...upstream.env(), KARTOTEKA_RECOVERY_GRACE_MS: '0' },
      });
      m = await b.newMerchant({ preauth: true });
    });
    afterAll(async () => {
      await b?.close();
      await upstream?.close();
    });

    const bTransaction = async (id: string) =>
      (await m.api.get<TransactionResponse>(`/transaction/${id}`)).body.transaction;

    for (const [operation, final] of [
      ['capture', 'settled'],
      ['void', 'cancelled'],
    ] as const) {
      it(`a ${operation} A answers before its acquirer did it is not a refusal: B ends ${final}, sent once`, async () => {
        const held = await m.api.post<TransactionResponse>(
          '/transaction',
          saleBody(m.serviceId, { profileType: 'FIRST' }),
        );
        expect(held.body.transaction.status, held.text).toBe('authorized');
        const id = held.body.transaction.id;

        // A's acquirer acts 300 ms after A stopped waiting for it (A's guard timing out).
        const acquirer = upstream.a.gateway.acquirer;
        const real = acquirer[operation].bind(acquirer);
        let late: Promise<unknown> | undefined;
        acquirer[operation] = async (request: FollowUpRequest) => {
          late = sleep(300).then(() => real(request));
          throw new AcquirerCallError('timeout', operation, 0);
        };
        let res;
        try {
          res = await m.api.post<TransactionResponse>(`/transaction/${id}/${operation}`);
        } finally {
          acquirer[operation] = real;
        }
        await late;
        const [up] = await upstreamOf(upstream.a, id);
        expect(up!.ledger.map((e) => `${e.operation} ${e.outcome}`)).toContain(`${operation} approved`);

        // Not a refusal: upstream took the request and has not said how it ended.
        expect(res.status, res.text).toBe(200);
        expect(res.body.transaction.status).toBe('authorized');

        // A's recovery records its acquirer's answer and notifies B; B settles it without asking again.
        await upstream.a.gateway.worker.tick();
        await upstream.a.gateway.worker.tick();
        await b.gateway.worker.tick();
        expect(await bTransaction(id)).toMatchObject({ status: final });
        const sent = (await upstream.a.ledger.list()).filter(
          (e) => e.reference === up!.row.id && e.operation === operation,
        );
        expect(sent).toHaveLength(1);
      });
    }
  });
}
