import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoverStuckPayments } from '../../src/payments/recover.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

/**
 * A 3-D Secure answer whose authorisation was cut short (the process died; on PostgreSQL recovery waits for the
 * chore's grace period) leaves the payment pending: its page says so and asks the payer to reload, instead of
 * "already completed". Found by the crash test (tests/crash).
 */
describe('3-D Secure page of a payment still being authorised', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('is "in progress", then "completed" once recovered', async () => {
    const res = await gw.merchant.api.post<TransactionResponse & { action: { url: string } }>(
      '/transaction',
      saleBody(gw.merchant.serviceId, {}, { number: '4012001037141112' }),
    );
    const { id } = res.body.transaction;
    const repos = gw.gateway.storage.repos;
    // The payer passed; the process died before the acquirer was asked, and that request's deadline has passed
    // (only then may recovery read "no record at the acquirer" as "never charged").
    expect(
      await repos.transactions.updateTransaction(
        id,
        { stage: 'authorizing', acquirerDeadline: Date.now() - 1 },
        { stage: 'challenge' },
      ),
    ).toBe(true);
    for (const init of [undefined, { method: 'POST', body: 'result=pass' }]) {
      const page = await fetch(res.body.action.url, {
        ...init,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(page.status).toBe(409);
      const html = await page.text();
      expect(html).toContain('Payment in progress');
      expect(html).toContain('<strong>pending</strong>');
      expect(html).not.toContain('already completed');
    }
    await gw.gateway.worker.tick(); // within the grace period: left alone
    expect((await repos.transactions.getTransactionById(id))?.stage).toBe('authorizing');
    await recoverStuckPayments(gw.gateway.payments, 0);
    const after = await fetch(res.body.action.url);
    expect(after.status).toBe(409);
    expect(await after.text()).toContain('already completed');
  });
});
