/** The documentation examples (docs/sdk.md includes them verbatim), run against the real gateway. */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../../../tests/support/gateway.js';
import { uniqueCid } from '../../../tests/support/payloads.js';
import { notificationServer } from '../examples/notifications-server.js';
import { afterChallenge, chargeSubscription, createClient, registerCard } from '../examples/shop.js';
import type { ImojeNotification } from '../src/index.js';
import { completeChallenge, orderId, saleRequest, testCard } from './support.js';

describe('docs examples', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('shop.ts: register with 3-D Secure, charge the subscription, and handle a deactivated profile', async () => {
    const m = gw.merchant;
    const client = createClient(`${gw.url}/v1/merchant`, m.merchantId, m.token);
    const payer = { cid: uniqueCid(), firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com' };
    const browser = saleRequest(m.serviceId).additionalData!.browser!;
    const reg = await registerCard(
      client,
      m.serviceId,
      payer,
      testCard('4012001037141112'),
      browser,
      orderId(),
    );
    if (reg.kind !== 'redirect')
      throw new Error(`expected a 3-D Secure redirect, got ${JSON.stringify(reg)}`);
    expect(
      await completeChallenge(
        { type: 'redirect', url: reg.url, method: 'GET', contentType: '', contentBodyRaw: '' },
        'pass',
      ),
    ).toBe('https://shop.example/card/success');
    const after = await afterChallenge(client, reg.transactionId);
    expect(after.status).toBe('settled');
    expect(after.profileId).toEqual(expect.any(String));

    expect(await chargeSubscription(client, m.serviceId, after.profileId!, '2025-01')).toBe('settled');
    // The same period again is the same charge (idempotency key), not a second one.
    expect(await chargeSubscription(client, m.serviceId, after.profileId!, '2025-01')).toBe('settled');
    const charges = await gw.gateway.storage.db
      .selectFrom('transactions')
      .select('id')
      .where('merchantId', '=', m.merchantId)
      .where('orderId', '=', 'sub-2025-01')
      .execute();
    expect(charges).toHaveLength(1);

    await client.deactivateProfile(after.profileId!);
    expect(await chargeSubscription(client, m.serviceId, after.profileId!, '2025-02')).toBe(
      'profile-inactive',
    );
  });

  it('notifications-server.ts: accepts a gateway notification, refuses a tampered one', async () => {
    const m = await gw.newMerchant({ notificationUrl: 'http://127.0.0.1:9/x' });
    const client = createClient(`${gw.url}/v1/merchant`, m.merchantId, m.token);
    const created = await client.createTransaction(saleRequest(m.serviceId));
    const row = await gw.gateway.storage.db
      .selectFrom('notifications')
      .selectAll()
      .where('transactionId', '=', created.transaction.id)
      .executeTakeFirstOrThrow();
    const signature = createHash('sha256')
      .update(row.body + m.serviceKey)
      .digest('hex');
    const header = `merchantid=${m.merchantId};serviceid=${m.serviceId};signature=${signature};alg=sha256`;

    const handled: ImojeNotification[] = [];
    const server = notificationServer(m.serviceKey, async (n) => {
      handled.push(n);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/imoje`;
    try {
      const post = (body: string) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'imoje', 'x-imoje-signature': header },
          body,
        });
      const ok = await post(row.body);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ status: 'ok' });
      expect(handled.map((n) => n.transaction.id)).toEqual([created.transaction.id]);

      const tampered = await post(row.body.replace('"settled"', '"rejected"'));
      expect(tampered.status).toBe(400);
      expect(await tampered.text()).toMatch(/does not match/);
      expect(handled).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
