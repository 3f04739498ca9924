import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import { finalize, StageChangedError } from '../../src/payments/finalize.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody, uniqueCid } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

/**
 * Two finalisers of one registration at once — the request and the recovery chore, when the request stalled
 * past the recovery grace period (the crash test saw it under load). Exactly one records the outcome and creates
 * the profile; the other loses the compare-and-set on the stage (StageChangedError, which its callers turn into
 * the stored answer), never a database error from inserting the same profile twice.
 */
for (const db of DB_KINDS) {
  describe(`concurrent finalisers of one registration (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db });
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('one wins and creates the profile once; the other loses the stage', async () => {
      const m = gw.merchant;
      const { storage } = gw.gateway;
      const reg = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
      expect(reg.status).toBe(200);
      const done = (await storage.repos.transactions.getTransactionById(reg.body.transaction.id))!;
      for (let round = 0; round < 5; round++) {
        const cid = uniqueCid();
        const pending = {
          ...done,
          id: newId(),
          orderId: `finalisers-${newId()}`,
          status: 'pending' as const,
          stage: 'authorizing' as const,
          statusCode: null,
          networkTxnId: null,
          profileId: null,
          registers: 'ONE_CLICK' as const,
          customer: { ...done.customer!, cid },
        };
        await storage.transaction((r) => r.transactions.insertTransaction(pending));
        const outcome = {
          status: 'settled' as const,
          statusCode: 'CODE_000',
          networkTxnId: '123456789012345',
        };
        const results = await Promise.allSettled(
          [0, 1].map(() =>
            finalize(gw.gateway.payments, { transaction: pending, outcome, expectedStage: 'authorizing' }),
          ),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]!.reason).toBeInstanceOf(StageChangedError);
        const profiles = await storage.repos.profiles.listByCid(m.merchantId, cid);
        expect(profiles).toHaveLength(1);
        expect(await storage.repos.transactions.getTransactionById(pending.id)).toMatchObject({
          status: 'settled',
          stage: 'done',
          profileId: profiles[0]!.id,
        });
      }
    });
  });
}
