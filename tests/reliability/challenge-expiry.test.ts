import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { expireAbandonedChallenges } from '../../src/payments/challenge.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

const CHALLENGE_CARD = '4012001037141112';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * Issue 12 item 10: with the worker in a separate process (here: not running at all), nothing expired a
 * challenge in the server, and completing it checked only the stage, so a payer could pass a challenge long
 * after `challengeExpiresAt` and be charged. The clock is a ManualClock, the worker is off.
 */
for (const db of DB_KINDS) {
  describe(`${db}: an expired 3-D Secure challenge cannot be completed while the worker runs elsewhere`, () => {
    let gw: TestGateway;
    const clock = new ManualClock();

    beforeAll(async () => {
      gw = await startGateway({
        db,
        clock,
        shop: { notificationUrl: 'https://shop.example/notify' },
      });
    });
    afterAll(async () => {
      await gw?.close();
    });

    async function challenged(): Promise<string> {
      const res = await gw.merchant.api.post<TransactionResponse>(
        '/transaction',
        saleBody(gw.merchant.serviceId, {}, { number: CHALLENGE_CARD }),
      );
      expect(res.status).toBe(200);
      expect(res.body.transaction.status).toBe('pending');
      return res.body.transaction.id;
    }

    /** What the expiry chore leaves behind: rejected, CODE_570, one notification, nothing asked of the acquirer. */
    async function expectEndedAsExpired(id: string): Promise<void> {
      const t = await gw.gateway.storage.repos.transactions.getTransactionById(id);
      expect(t).toMatchObject({ status: 'rejected', statusCode: 'CODE_570', stage: 'done' });
      expect(t?.challengeExpiresAt).toBeNull();
      const notes = await gw.gateway.storage.repos.notifications.list({ transactionId: id, limit: 10 });
      expect(notes).toHaveLength(1);
      expect(JSON.parse(notes[0]!.body)).toMatchObject({
        transaction: { id, status: 'rejected', statusCode: 'CODE_570' },
      });
      expect(await gw.gateway.acquirer.lookup(id, 'authorize')).toBeUndefined();
      // The chore, when it finally runs, finds nothing left to expire.
      expect(await expireAbandonedChallenges(gw.gateway.payments)).toBe(0);
      expect(
        await gw.gateway.storage.repos.notifications.list({ transactionId: id, limit: 10 }),
      ).toHaveLength(1);
    }

    it('passing it after challengeExpiresAt is refused like an expired one: rejected CODE_570, notified, not charged', async () => {
      const id = await challenged();
      clock.advance(gw.gateway.config.challengeTtlMs + 1);

      const page = await gw.http.request('POST', `/3ds/${id}`, 'result=pass', FORM);
      expect(page.status).toBe(409);
      expect(page.text).toContain('Payment already completed');
      expect(page.text).toContain('<strong>rejected</strong>');
      expect(page.headers.get('location')).toBeNull();
      await expectEndedAsExpired(id);

      const api = await gw.merchant.api.get<TransactionResponse>(`/transaction/${id}`);
      expect(api.body.transaction).toMatchObject({ status: 'rejected', statusCode: 'CODE_570' });
    });

    it('its page no longer offers the buttons once past challengeExpiresAt', async () => {
      const id = await challenged();
      clock.advance(gw.gateway.config.challengeTtlMs + 1);

      const page = await gw.http.get(`/3ds/${id}`);
      expect(page.status).toBe(409);
      expect(page.text).toContain('can no longer be answered');
      expect(page.text).not.toContain('value="pass"');
      await expectEndedAsExpired(id);
    });

    it('answering "fail" after challengeExpiresAt ends it the same way', async () => {
      const id = await challenged();
      clock.advance(gw.gateway.config.challengeTtlMs + 1);

      const page = await gw.http.request('POST', `/3ds/${id}`, 'result=fail', FORM);
      expect(page.status).toBe(409);
      await expectEndedAsExpired(id);
    });

    it('a late completion racing the expiry chore: exactly one ends it, one notification', async () => {
      const id = await challenged();
      clock.advance(gw.gateway.config.challengeTtlMs + 1);

      const [page] = await Promise.all([
        gw.http.request('POST', `/3ds/${id}`, 'result=pass', FORM),
        expireAbandonedChallenges(gw.gateway.payments),
      ]);
      expect(page.status).toBe(409);
      await expectEndedAsExpired(id);
    });

    it('still completes normally up to challengeExpiresAt', async () => {
      const id = await challenged();
      clock.advance(gw.gateway.config.challengeTtlMs);

      const page = await gw.http.request('POST', `/3ds/${id}`, 'result=pass', FORM);
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe('https://shop.example/success');
      const t = await gw.gateway.storage.repos.transactions.getTransactionById(id);
      expect(t).toMatchObject({ status: 'settled', statusCode: 'CODE_000' });
    });
  });
}
