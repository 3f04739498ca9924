import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { chargesFor, payWithNewCard } from '../widget/http-widget.js';
import { createLink, linkBody, open, type LinkView } from './links.js';

const PLAIN = '4111111111111111';
const SHOP = 'https://shop.example';

/** Opens a link's url and pays it with the card form over plain HTTP (the form works without JavaScript). */
async function payLink(gw: TestGateway, link: LinkView, pan = PLAIN) {
  const opened = await open(link.url);
  expect(opened.status).toBe(303);
  const session = opened.location!.split('/').pop()!;
  const paid = await payWithNewCard(gw.url, session, pan);
  expect(paid.status).toBe(303);
  return session;
}

describe.each(DB_KINDS)('payment links API (%s)', (db) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ db, shop: { pci: false } });
  });
  afterAll(async () => gw?.close());

  it('creates a link whose url is on the gateway origin, and reads it back', async () => {
    const m = gw.merchant;
    const link = await createLink(m, SHOP, { validTo: Math.floor(Date.now() / 1000) + 3600 });
    expect(link.url).toBe(`${gw.url}/paywall/link/${link.id}`);
    expect(link).toMatchObject({ status: 'open', isActive: true, transactionId: null, amount: 2599 });
    const read = await m.api.get<{ payment: LinkView }>(`/payment/${link.id}`);
    expect(read.status).toBe(200);
    expect(read.body.payment).toEqual(link);
  });

  it('refuses a malformed link with the imoje envelope, and an unknown shop with 404', async () => {
    const m = gw.merchant;
    const bad = await m.api.post('/payment', linkBody(m, SHOP, { amount: 0 }));
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('API-ERROR-100422');
    const unknown = await m.api.post(
      '/payment',
      linkBody(m, SHOP, { serviceId: '11111111-1111-4111-8111-111111111111' }),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('SRV-ERROR-200404');
  });

  it("another merchant's link is not found", async () => {
    const link = await createLink(gw.merchant, SHOP);
    const other = await gw.newMerchant();
    const res = await other.api.get(`/payment/${link.id}`);
    expect(res.status).toBe(404);
    expect(res.text).toContain('PAY-ERROR-190404');
  });

  it('a paid link is paid at most once: opening it again charges nothing, and it can no longer be cancelled', async () => {
    const m = gw.merchant;
    const link = await createLink(m, SHOP);
    await payLink(gw, link);
    const read = await m.api.get<{ payment: LinkView }>(`/payment/${link.id}`);
    expect(read.body.payment).toMatchObject({ status: 'paid', isActive: false });
    expect(read.body.payment.transactionId).toBeTruthy();

    const again = await open(link.url);
    expect(again.status).toBe(409);
    expect(again.html).toContain('already_paid');
    const cancel = await m.api.post('/payment/cancel', { serviceId: m.serviceId, paymentId: link.id });
    expect(cancel.status).toBe(409);
    expect(cancel.text).toContain('PAY-ERROR-190409');
    const { transactions, charged } = await chargesFor(gw.gateway.storage, link.orderId);
    expect(transactions).toHaveLength(1);
    expect(charged).toHaveLength(1);
  });

  it('a cancelled link says so and charges nothing, also from a payment window opened before the cancel', async () => {
    const m = gw.merchant;
    const link = await createLink(m, SHOP);
    const opened = await open(link.url);
    const session = opened.location!.split('/').pop()!;

    const cancel = await m.api.post<{ payment: LinkView }>('/payment/cancel', {
      serviceId: m.serviceId,
      paymentId: link.id,
    });
    expect(cancel.status).toBe(200);
    expect(cancel.body.payment).toMatchObject({ status: 'cancelled', isActive: false });
    const twice = await m.api.post<{ payment: LinkView }>('/payment/cancel', {
      serviceId: m.serviceId,
      paymentId: link.id,
    });
    expect(twice.body.payment.status).toBe('cancelled');

    const late = await payWithNewCard(gw.url, session, PLAIN);
    expect(late.status).toBe(422);
    const reopened = await open(link.url);
    expect(reopened.status).toBe(410);
    expect(reopened.html).toContain('link_cancelled');
    const { transactions, charged } = await chargesFor(gw.gateway.storage, link.orderId);
    expect(transactions).toHaveLength(0);
    expect(charged).toHaveLength(0);
  });

  it('cancel names the link’s own service', async () => {
    const m = gw.merchant;
    const link = await createLink(m, SHOP);
    const res = await m.api.post('/payment/cancel', {
      serviceId: '11111111-1111-4111-8111-111111111111',
      paymentId: link.id,
    });
    expect(res.status).toBe(422);
  });

  it('an expired link says so and charges nothing', async () => {
    const m = gw.merchant;
    const link = await createLink(m, SHOP, { validTo: Math.floor(Date.now() / 1000) - 60 });
    expect(link.status).toBe('open');
    const read = await m.api.get<{ payment: LinkView }>(`/payment/${link.id}`);
    expect(read.body.payment).toMatchObject({ status: 'expired', isActive: false });
    const opened = await open(link.url);
    expect(opened.status).toBe(410);
    expect(opened.html).toContain('expired');
    const { transactions } = await chargesFor(gw.gateway.storage, link.orderId);
    expect(transactions).toHaveLength(0);
  });

  it('a validTo past the year 9999 (or no date at all) is refused, not stored rounded', async () => {
    const m = gw.merchant;
    for (const validTo of [1e17, 253_402_300_800, '99999-01-01T00:00:00Z', 'not-a-date']) {
      const res = await m.api.post<{ apiErrorResponse: { errors: Array<{ property: string }> } }>(
        '/payment',
        linkBody(m, SHOP, { validTo }),
      );
      expect(res.status, `${validTo}: ${res.text}`).toBe(422);
      expect(res.body.apiErrorResponse.errors[0]!.property).toBe('validTo');
    }
    const last = await m.api.post('/payment', linkBody(m, SHOP, { validTo: 253_402_300_799 }));
    expect(last.status, last.text).toBe(200);
  });

  it('an unknown link id is a 404 page', async () => {
    const res = await open(`${gw.url}/paywall/link/11111111-1111-4111-8111-111111111111`);
    expect(res.status).toBe(404);
    expect(res.html).toContain('link_not_found');
  });
});
