import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CardRetryState } from '../../src/domain/reattempt.js';
import { CardRetryRepo } from '../../src/storage/card-retry-repo.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody, uniqueCid } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

const CARD = '4111111111111111';

/**
 * A `STANDARD` `recurring` payment (no profile) checks the card's retry state before it stores anything; a hard
 * decline of the card committed just after that read (another debit of the card, finalised in between) must
 * still refuse it: the state is read again in the transaction that stores the payment. Before, the payment was
 * stored and sent to the acquirer for a card its issuer had refused for good.
 */
for (const db of DB_KINDS) {
  describe(`a STANDARD recurring payment and a decline committed after its first read (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db });
    });
    afterAll(async () => {
      vi.restoreAllMocks();
      await gw?.close();
    });

    it('is refused as after a hard decline; nothing stored, nothing sent', async () => {
      const m = gw.merchant;
      const first = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(
          m.serviceId,
          {
            paymentMethodCode: 'recurring',
            profileType: 'FIRST',
            customer: { firstName: 'Jan', lastName: 'K', email: 'j@example.com', cid: uniqueCid() },
          },
          { number: CARD },
        ),
      );
      expect(first.status, first.text).toBe(200);
      const read = await m.api.get<TransactionResponse>(`/transaction/${first.body.transaction.id}`);
      const firstTransactionId = read.body.transaction.firstTransactionId!;
      expect(firstTransactionId).toMatch(/^[0-9]+$/);

      const original = CardRetryRepo.prototype.get;
      let injected = false;
      vi.spyOn(CardRetryRepo.prototype, 'get').mockImplementation(async function (
        this: CardRetryRepo,
        merchantId: string,
        fingerprint: string,
      ) {
        const state = await original.call(this, merchantId, fingerprint);
        if (!injected) {
          // Right after the payment's first read: another debit of the card is finalised, hard-declined.
          injected = true;
          const now = Date.now();
          const hard: CardRetryState = {
            lastDeclineAt: now,
            declineClass: 'hard',
            retryAfter: null,
            hardDeclinedAt: now,
            declinedExpiry: null,
            windowStartedAt: null,
            reattempts: 0,
            reattemptInFlight: null,
          };
          await gw.gateway.storage.transaction((repos) =>
            repos.cardRetry.put(merchantId, fingerprint, hard, now, 'another-debit'),
          );
        }
        return state;
      });
      const before = (await gw.ledger.list()).length;
      const res = await m.api.post<{ apiErrorResponse: { code: string } }>(
        '/transaction',
        saleBody(
          m.serviceId,
          { paymentMethodCode: 'recurring', profileType: 'STANDARD', additionalData: null },
          { number: CARD, cvv: null, firstTransactionId },
        ),
      );
      vi.restoreAllMocks();
      expect(injected).toBe(true);
      expect(res.status, res.text).toBe(400);
      expect(res.body.apiErrorResponse.code).toBe('RCR-ERROR-210400');
      expect((await gw.ledger.list()).length).toBe(before);
      const stored = await gw.gateway.storage.db
        .selectFrom('transactions')
        .select('id')
        .where('quotedNetworkTxnId', '=', firstTransactionId)
        .execute();
      expect(stored).toEqual([]);
    });
  });
}
