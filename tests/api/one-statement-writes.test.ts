import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import type { Transaction } from '../../src/domain/transaction.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { debitBody, saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

/**
 * A profile debit writes its pending row, and its outcome with the notification, each as one statement (no
 * BEGIN/COMMIT on PostgreSQL). What the transactions they replace guaranteed still holds: a debit can't be
 * stored against a profile deactivated (or given a new card) after it was read, and a finalisation that loses
 * the compare-and-set on the stage writes nothing, not even its notification.
 */
for (const db of DB_KINDS) {
  describe(`one-statement debit writes (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db, shop: { notificationUrl: 'https://shop.example/notify' } });
    });
    afterAll(async () => {
      await gw?.close();
    });

    async function registered(): Promise<{ profileId: string; registration: Transaction }> {
      const m = gw.merchant;
      const reg = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
      expect(reg.status).toBe(200);
      const registration = await gw.gateway.storage.repos.transactions.getTransactionById(
        reg.body.transaction.id,
      );
      return { profileId: reg.body.transaction.paymentProfile!.id, registration: registration! };
    }

    /** A pending debit row built from an existing transaction, as debitProfile would build it. */
    function pendingDebit(from: Transaction, profileId: string): Transaction {
      return {
        ...from,
        id: newId(),
        orderId: `race-${newId()}`,
        status: 'pending',
        stage: 'authorizing',
        profileId,
        registers: null,
      };
    }

    it('the pending row is stored only while the profile read is still active with the same card', async () => {
      const { storage } = gw.gateway;
      const m = gw.merchant;
      const { profileId, registration } = await registered();
      const read = await storage.repos.profiles.getProfileWithCard(m.merchantId, profileId);
      expect(read?.profile.isActive).toBe(true);
      const profile = read!.profile;

      const another = { ...profile, cardId: newId() };
      const wrongCard = pendingDebit(registration, profileId);
      expect(
        await storage.atomically((r) => r.transactions.insertTransactionIfProfileActive(wrongCard, another)),
      ).toBe(false);
      expect(await storage.repos.transactions.getTransactionById(wrongCard.id)).toBeUndefined();

      const stored = pendingDebit(registration, profileId);
      expect(
        await storage.atomically((r) => r.transactions.insertTransactionIfProfileActive(stored, profile)),
      ).toBe(true);
      expect(await storage.repos.transactions.getTransactionById(stored.id)).toMatchObject({
        id: stored.id,
        status: 'pending',
        profileId,
      });

      // Deactivated after the debit read the profile: the INSERT sees it and stores nothing.
      const off = await m.api.post('/profile/deactivate', { paymentProfileId: profileId });
      expect(off.status).toBe(200);
      const late = pendingDebit(registration, profileId);
      expect(
        await storage.atomically((r) => r.transactions.insertTransactionIfProfileActive(late, profile)),
      ).toBe(false);
      expect(await storage.repos.transactions.getTransactionById(late.id)).toBeUndefined();

      const refused = await m.api.post<{ apiErrorResponse?: { code?: string } }>(
        '/transaction/profile',
        debitBody(m.serviceId, profileId),
      );
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toContain('Payment profile inactive');
    });

    it('a debit stores its outcome and one notification; a second finaliser of it writes nothing', async () => {
      const { storage } = gw.gateway;
      const m = gw.merchant;
      const { profileId } = await registered();
      const res = await m.api.post<TransactionResponse>(
        '/transaction/profile',
        debitBody(m.serviceId, profileId),
      );
      expect(res.status).toBe(200);
      expect(res.body.transaction.status).toBe('settled');
      const id = res.body.transaction.id;
      const notifications = () => storage.repos.notifications.list({ transactionId: id, limit: 10 });
      const [notification] = await notifications();
      expect(await notifications()).toHaveLength(1);
      expect(notification).toMatchObject({
        transactionId: id,
        ordinal: 1,
        url: 'https://shop.example/notify',
      });
      expect(JSON.parse(notification!.body)).toMatchObject({ transaction: { id, status: 'settled' } });

      // The stage is `done` now: a compare-and-set expecting `authorizing` loses and queues no notification.
      const stored = await storage.repos.transactions.getTransactionById(id);
      const won = await storage.atomically((r) =>
        r.transactions.finishAndEnqueue(
          id,
          {
            status: 'rejected',
            stage: 'done',
            statusCode: 'CODE_99',
            networkTxnId: null,
            profileId,
            modifiedAt: Date.now(),
            challengeExpiresAt: null,
          },
          'authorizing',
          { ...notification!, id: newId(), body: '{}' },
          {
            id: newId(),
            transactionId: id,
            at: Date.now(),
            kind: 'status',
            status: 'rejected',
            code: 'CODE_99',
            detail: 'authorizing',
          },
        ),
      );
      expect(won).toBe(false);
      expect(await notifications()).toHaveLength(1);
      // Nor does it write a timeline event: the finalisation's one event is all there is.
      const events = await storage.repos.events.forTransactions([id]);
      expect(events.filter((e) => e.kind === 'status')).toHaveLength(1);
      expect(await storage.repos.transactions.getTransactionById(id)).toEqual(stored);
    });
  });
}
