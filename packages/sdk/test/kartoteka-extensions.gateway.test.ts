import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../../../tests/support/gateway.js';
import { Inbox, NotFoundError, Notifications, ValidationError, verifyNotification } from '../src/index.js';
import { clientFor, saleRequest } from './support.js';

describe('Notifications and Inbox (Kartoteka extensions) against the real gateway', () => {
  let gw: TestGateway;
  let notifications: Notifications;
  let inbox: Inbox;
  let sandbox: { merchantId: string; serviceId: string; serviceKey: string; token: string };

  beforeAll(async () => {
    gw = await startGateway({ worker: true, env: { KARTOTEKA_BOOTSTRAP: 'on' } });
    sandbox = gw.gateway.sandbox!;
    const options = {
      baseUrl: `${gw.url}/v1/merchant`,
      merchantId: sandbox.merchantId,
      token: sandbox.token,
    };
    notifications = new Notifications(options);
    inbox = new Inbox(options);
  });
  afterAll(async () => {
    await gw?.close();
  });

  async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
    const end = Date.now() + 10_000;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('lists, pages, reads and resends notifications; the inbox holds them, verifiable with the SDK', async () => {
    const client = clientFor(gw, { ...gw.merchant, ...sandbox, api: gw.merchant.api });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { transaction } = await client.createTransaction(saleRequest(sandbox.serviceId));
      ids.push(transaction.id);
    }
    await eventually(async () => {
      const page = await notifications.list({ status: 'delivered', limit: 100 });
      return ids.every((id) => page.notifications.some((n) => n.transactionId === id)) ? true : undefined;
    });
    const first = await notifications.list({ limit: 2 });
    expect(first.notifications).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const all: string[] = [];
    for await (const n of notifications.all({ limit: 1 })) all.push(n.transactionId);
    expect(all).toEqual([...ids].reverse());
    const one = await notifications.list({ transactionId: ids[1] });
    expect(one.notifications.map((n) => n.transactionId)).toEqual([ids[1]]);
    const from = await notifications.list({ from: new Date(Date.now() + 60_000) });
    expect(from.notifications).toEqual([]);

    const n = one.notifications[0]!;
    expect((await notifications.get(n.id)).notification.deliveryAttempts[0]).toMatchObject({
      httpStatus: 200,
    });
    const resent = await notifications.resend(n.id);
    expect(resent.notification.id).toBe(n.id);
    const twice = await eventually(async () => {
      const got = (await notifications.get(n.id)).notification;
      return got.deliveryAttempts.length === 2 && got.status === 'delivered' ? got : undefined;
    });
    expect(twice.deliveryAttempts[1]!.signature).toBe(twice.deliveryAttempts[0]!.signature);

    const messages: string[] = [];
    for await (const m of inbox.all()) {
      if (m.transactionId === ids[1]) {
        expect(m.verified).toBe(true);
        // What a shop's handler would do with it: the SDK's own verification agrees.
        await expect(verifyNotification(m.body, m.signature!, sandbox.serviceKey)).resolves.toBeTruthy();
        expect((await inbox.get(m.id)).message).toEqual(m);
      }
      messages.push(m.id);
    }
    // The registration, then its resend: two arrivals of the same bytes.
    expect(messages.length).toBeGreaterThanOrEqual(4);
    // The same resources through the one KartotekaClient (client.notifications, client.inbox).
    const viaClient = await client.notifications.list({ transactionId: ids[1] });
    expect(viaClient.notifications.map((x) => x.id)).toEqual([n.id]);
    expect((await client.notifications.get(n.id)).notification.deliveryAttempts).toHaveLength(2);
    const arrived = (await client.inbox.list({ limit: 100 })).messages;
    expect(arrived.map((m) => m.id)).toEqual(messages.slice(0, arrived.length));
    expect((await client.inbox.get(arrived[0]!.id)).message).toEqual(arrived[0]);
    await expect(notifications.get('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(inbox.get('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    await expect(notifications.list({ cursor: 'nope' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses imoje base URLs: these endpoints exist on Kartoteka only', () => {
    expect(() => new Notifications({ merchantId: 'm', token: 't' })).toThrow(/Kartoteka extension/);
    expect(
      () => new Inbox({ baseUrl: 'https://api.imoje.pl/v1/merchant', merchantId: 'm', token: 't' }),
    ).toThrow(/not imoje's/);
  });
});
