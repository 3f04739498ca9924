import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPaywall } from '../../../src/paywall/signature.js';
import { startGateway, type TestGateway } from '../../../tests/support/gateway.js';
import {
  ConflictError,
  NotFoundError,
  signPaywallForm,
  type KartotekaClient,
  type PaywallFields,
} from '../src/index.js';
import { payWithNewCard } from '../../../tests/widget/http-widget.js';
import { clientFor, orderId } from './support.js';

describe('KartotekaClient: payment links and the paywall form against the real gateway', () => {
  let gw: TestGateway;
  let client: KartotekaClient;

  beforeAll(async () => {
    gw = await startGateway({ shop: { pci: false } });
    client = clientFor(gw, gw.merchant);
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('createPaymentLink, getPaymentLink and cancelPaymentLink', async () => {
    const serviceId = gw.merchant.serviceId;
    const { payment } = await client.createPaymentLink({
      serviceId,
      amount: 1500,
      currency: 'PLN',
      orderId: orderId('link'),
      customer: { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com' },
      successReturnUrl: 'https://shop.example/ok',
    });
    expect(payment.url).toBe(`${gw.url}/paywall/link/${payment.id}`);
    expect(payment.status).toBe('open');
    expect((await client.getPaymentLink(payment.id)).payment).toEqual(payment);
    const cancelled = await client.cancelPaymentLink({ serviceId, paymentId: payment.id });
    expect(cancelled.payment).toMatchObject({ status: 'cancelled', isActive: false });
    await expect(client.getPaymentLink('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      NotFoundError,
    );

    // A paid link can't be cancelled: ConflictError with the gateway's code.
    const paid = await client.createPaymentLink({
      serviceId,
      amount: 1500,
      currency: 'PLN',
      orderId: orderId('link'),
      customer: { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com' },
    });
    const opened = await fetch(paid.payment.url, { redirect: 'manual' });
    const session = opened.headers.get('location')!.split('/').pop()!;
    expect((await payWithNewCard(gw.url, session, '4111111111111111')).status).toBe(303);
    expect((await client.getPaymentLink(paid.payment.id)).payment.status).toBe('paid');
    const err = await client
      .cancelPaymentLink({ serviceId, paymentId: paid.payment.id })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).code).toBe('PAY-ERROR-190409');
  });

  it('signPaywallForm matches the gateway, and the gateway opens the card form for it', async () => {
    const m = gw.merchant;
    const fields: PaywallFields = {
      serviceId: m.serviceId,
      merchantId: m.merchantId,
      amount: 2000,
      currency: 'PLN',
      orderId: orderId('pw'),
      customerFirstName: 'Jan',
      customerLastName: 'Kowalski',
      urlSuccess: 'https://shop.example/ok?a=1&b=2',
      preselectMethodCode: 'oneclick',
      cid: 'sdk-payer-1',
    };
    const signature = await signPaywallForm(fields, m.serviceKey);
    const asStrings = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)]));
    expect(signature).toBe(signPaywall(asStrings, m.serviceKey));
    const res = await fetch(`${gw.url}/payment`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...asStrings, signature }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/widget\/session\//);
    await expect(
      signPaywallForm({ ...fields, urlSuccess: 'https://s/x&amount=1' }, m.serviceKey),
    ).rejects.toThrow(/amount/);
  });
});
