import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { debitBody, saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

const T0 = Date.UTC(2027, 8, 1, 12);

type Answer = TransactionResponse & { apiErrorResponse?: { code: string } };

/**
 * A request holding an `Idempotency-Key` that stalls longer than the key's lease before it stores its payment
 * (a paused process or VM: its lease heartbeat stalls too) is taken over by the client's retry, which stores and
 * charges its own payment. When the stalled holder wakes, the key already names that payment: its own pending
 * row must not be stored, or the key's one request charges twice. Before, the holder's write of its transaction
 * onto the key simply overwrote the retry's, and both were charged.
 */
for (const db of DB_KINDS) {
  describe(`an Idempotency-Key holder that stalled past its lease (${db})`, () => {
    let gw: TestGateway;
    const clock = new ManualClock(T0);
    beforeAll(async () => {
      gw = await startGateway({ db, clock });
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('wakes to find the retry charged: it stores nothing and answers 409; one charge in all', async () => {
      const m = gw.merchant;
      const registered = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'recurring' }, { number: '4111111111111111' }),
      );
      expect(registered.status, registered.text).toBe(200);
      const profileId = registered.body.transaction.paymentProfile!.id;

      // The holder stalls right after its claim, before it has read the profile or stored anything. The clock
      // moves past its lease meanwhile, as it would for a paused process (whose heartbeat stalls with it).
      const reads = gw.gateway.storage.repos.paymentReads;
      const read = reads.debit.bind(reads);
      let wake!: () => void;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      let stalled!: () => void;
      const isStalled = new Promise<void>((resolve) => (stalled = resolve));
      let calls = 0;
      reads.debit = async (...args: Parameters<typeof read>) => {
        if (++calls === 1) {
          stalled();
          await woken;
        }
        return read(...args);
      };
      try {
        const body = debitBody(m.serviceId, profileId, { orderId: `stalled-${db}` });
        const key = { 'idempotency-key': `stalled-holder-${db}` };
        const holder = m.api.post<Answer>('/transaction/profile', body, key);
        await isStalled;
        clock.set(clock.now() + gw.gateway.payments.acquirerExpiryMs + 120_000);
        const retry = await m.api.post<Answer>('/transaction/profile', body, key);
        expect(retry.status, retry.text).toBe(200);
        expect(retry.body.transaction.status).toBe('settled');

        wake();
        const late = await holder;
        expect(late.status, late.text).toBe(409);
        expect(late.body.apiErrorResponse?.code).toBe('API-ERROR-100410');

        const stored = await gw.gateway.storage.db
          .selectFrom('transactions')
          .select('id')
          .where('orderId', '=', `stalled-${db}`)
          .execute();
        expect(stored.map((r) => r.id)).toEqual([retry.body.transaction.id]);
        const charged = (await gw.ledger.list()).filter(
          (e) => e.operation === 'authorize' && stored.some((r) => r.id === e.reference),
        );
        expect(charged).toHaveLength(1);
        // The key answers with the one payment it made.
        const replay = await m.api.post<Answer>('/transaction/profile', body, key);
        expect(replay.status, replay.text).toBe(200);
        expect(replay.body.transaction.id).toBe(retry.body.transaction.id);
      } finally {
        reads.debit = read;
      }
    });
  });
}
