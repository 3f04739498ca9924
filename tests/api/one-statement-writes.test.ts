import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import type { Schedule } from '../../src/domain/schedule.js';
import type { Database } from '../../src/storage/schema.js';
import { AttemptTakenError, progressOf } from '../../src/storage/schedule-repo.js';
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

    it('a scheduled cycle stores its pending debit and its attempt row together, and the same attempt never twice', async () => {
      const { storage } = gw.gateway;
      const m = gw.merchant;
      const { profileId, registration } = await registered();
      const { profile } = (await storage.repos.profiles.getProfileWithCard(m.merchantId, profileId))!;
      const scheduleId = newId();
      const attempt = { scheduleId, cycle: 1, attempt: 1, createdAt: Date.now() };
      const write = (t: Transaction, p = profile) =>
        storage.atomically((r) => r.transactions.insertScheduledDebitIfProfileActive(t, p, attempt));

      // A profile given another card since the read: neither row.
      const wrongCard = pendingDebit(registration, profileId);
      expect(await write(wrongCard, { ...profile, cardId: newId() })).toBe(false);
      expect(await storage.repos.transactions.getTransactionById(wrongCard.id)).toBeUndefined();
      expect(await storage.repos.schedules.getAttempt(scheduleId, 1, 1)).toBeUndefined();

      const first = pendingDebit(registration, profileId);
      expect(await write(first)).toBe(true);
      expect(await storage.repos.schedules.getAttempt(scheduleId, 1, 1)).toMatchObject({
        transactionId: first.id,
      });
      // The same attempt again (a runner whose lease ran out): refused, and its pending row undone with it.
      const again = pendingDebit(registration, profileId);
      await expect(write(again)).rejects.toBeInstanceOf(AttemptTakenError);
      expect(await storage.repos.transactions.getTransactionById(again.id)).toBeUndefined();
      expect(await storage.repos.schedules.getAttempt(scheduleId, 1, 1)).toMatchObject({
        transactionId: first.id,
      });
    });

    it("a schedule's next state and its event are written only under the runner's lease, both or neither", async () => {
      const { storage } = gw.gateway;
      const m = gw.merchant;
      const { profileId } = await registered();
      const now = Date.now();
      const row: Database['schedules'] = {
        id: newId(),
        merchantId: m.merchantId,
        serviceId: m.serviceId,
        profileId,
        amount: 1000,
        currency: 'PLN',
        title: 'one statement',
        intervalUnit: 'month',
        intervalCount: 1,
        startAt: now,
        endAt: null,
        maxCycles: null,
        status: 'active',
        endReason: null,
        cycle: 1,
        cycleDueAt: now,
        attempts: 0,
        chargeAt: now,
        noticeAt: null,
        expiryNoticeAt: null,
        blockedCardId: null,
        cyclesSettled: 0,
        lastTransactionId: null,
        leaseOwner: null,
        leaseUntil: null,
        createdAt: now,
        modifiedAt: now,
      };
      await storage.db.insertInto('schedules').values(row).execute();
      const lease = { owner: `runner-${newId()}`, until: now + 60_000, wallNow: now };
      const [claimed] = await storage.repos.schedules.claimDue('charge', m.serviceId, now, lease, 10);
      // Nobody held it before: no attempt of its cycle can have been made.
      expect(claimed).toMatchObject({ schedule: { id: row.id }, takenOver: false });
      const next: Schedule = { ...claimed!.schedule, cycle: 2, cyclesSettled: 1, chargeAt: now + 86_400_000 };
      const event = (id: string) => ({
        id,
        transactionId: row.id,
        merchantId: m.merchantId,
        serviceId: m.serviceId,
        url: 'https://shop.example/notify',
        body: '{}',
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
        createdAt: now,
        deliveredAt: null,
        lockedBy: null,
        lockedUntil: null,
      });
      const save = (owner: string, id: string) =>
        storage.atomically((r) =>
          r.schedules.saveLeasedAndEnqueue(row.id, owner, 'active', progressOf(next), true, [event(id)]),
        );
      const events = () => storage.repos.notifications.list({ transactionId: row.id, limit: 10 });
      const stored = () =>
        storage.db.selectFrom('schedules').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();

      // Another runner (its lease lost): nothing written, not even the event.
      expect(await save('someone-else', newId())).toBe(false);
      expect(await events()).toHaveLength(0);
      expect(await stored()).toMatchObject({ cycle: 1, leaseOwner: lease.owner });

      const id = newId();
      expect(await save(lease.owner, id)).toBe(true);
      expect((await events()).map((e) => [e.id, e.ordinal])).toEqual([[id, 1]]);
      // Saved and let go in the same write.
      expect(await stored()).toMatchObject({
        cycle: 2,
        cyclesSettled: 1,
        leaseOwner: null,
        leaseUntil: null,
      });

      // A runner that died holding it: the next claim knows, so it looks for an attempt that runner made.
      await storage.db
        .updateTable('schedules')
        .set({ chargeAt: now, leaseOwner: 'dead-runner', leaseUntil: now - 1 })
        .where('id', '=', row.id)
        .execute();
      const again = { owner: `runner-${newId()}`, until: now + 60_000, wallNow: now };
      const [taken] = await storage.repos.schedules.claimDue('charge', m.serviceId, now, again, 10);
      expect(taken).toMatchObject({ schedule: { id: row.id }, takenOver: true });
      expect(await stored()).toMatchObject({ leaseOwner: again.owner, leaseUntil: again.until });
    });
  });
}
