import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPaywall, type PaywallForm } from '../../src/paywall/signature.js';
import { expectedSignatureHeader, Receiver } from '../notifications/receiver.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { uniqueCid } from '../support/payloads.js';
import { chargesFor } from '../widget/http-widget.js';
import { fillCard, launchBrowser, newPage, NO_BROWSER, ShopServer } from '../widget/support.js';
import { ARTIFACTS } from './support.js';

const THREE_DS = '4012001037141112';
const PLAIN = '4111111111111111';

interface ProfileList {
  paymentProfiles: Array<{ id: string; isActive: number; maskedNumber: string; profile: string }>;
}

let counter = 0;

describe.skipIf(NO_BROWSER)("imoje's signed paywall form, in Chromium", () => {
  let gw: TestGateway;
  let shop: ShopServer;
  let browser: Browser;
  let receiver: Receiver;

  beforeAll(async () => {
    shop = new ShopServer();
    await shop.start();
    receiver = await Receiver.start();
    gw = await startGateway({ shop: { pci: false, notificationUrl: `${shop.origin}/notify` } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await receiver?.close();
    await shop?.close();
  });

  function fields(extra: PaywallForm = {}): PaywallForm {
    const m = gw.merchant;
    return {
      serviceId: m.serviceId,
      merchantId: m.merchantId,
      amount: '3100',
      currency: 'PLN',
      orderId: `pw-${Date.now().toString(36)}-${++counter}`,
      customerFirstName: 'Jan',
      customerLastName: 'Kowalski',
      customerEmail: 'jan@example.com',
      orderDescription: 'Paywall order',
      urlSuccess: `${shop.origin}/success`,
      urlFailure: `${shop.origin}/failure`,
      urlReturn: `${shop.origin}/return`,
      locale: 'en',
      ...extra,
    };
  }

  /** The shop's checkout page: a form of hidden inputs posting (or GETting) to {paywall}/payment. */
  async function checkout(
    form: Record<string, string>,
    method: 'post' | 'get',
    run: (page: Page) => Promise<void>,
  ) {
    const inputs = Object.entries(form)
      .map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/"/g, '&quot;')}">`)
      .join('');
    const url = shop.publish(
      `/checkout-${++counter}`,
      `<!doctype html><title>Checkout</title><form id="f" method="${method}" action="${gw.url}/payment">${inputs}<button id="go">Pay</button></form>`,
    );
    const { context, page } = await newPage(browser);
    try {
      await page.goto(url);
      await page.locator('#go').click();
      await page.waitForSelector('main.kw');
      await run(page);
    } finally {
      await context.close();
    }
  }

  const signed = (f: PaywallForm) => ({
    ...(f as Record<string, string>),
    signature: signPaywall(f, gw.merchant.serviceKey),
  });

  it('ecom3ds: a signed POST opens the card form, pays through 3-D Secure and returns to urlSuccess; urlNotification gets the signed notification', async () => {
    const f = fields({ urlNotification: receiver.url('/form-notify') });
    await checkout(signed(f), 'post', async (page) => {
      await page.screenshot({ path: `${ARTIFACTS}/form-ecom3ds.png` });
      await fillCard(page.mainFrame(), THREE_DS);
      await page.locator('#kw-pay').click();
      await page.waitForURL(/\/3ds\//);
      await page.getByRole('button', { name: 'Authenticate' }).click();
      await page.waitForURL(`${shop.origin}/success`);
    });
    const { transactions, charged } = await chargesFor(gw.gateway.storage, f.orderId!);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]).toMatchObject({ status: 'settled', paymentMethodCode: 'ecom3ds', amount: 3100 });
    expect(charged).toHaveLength(1);
    await gw.gateway.worker.tick();
    await receiver.waitFor(1);
    const note = receiver.received.find((r) => r.path === '/form-notify')!;
    expect(JSON.parse(note.body.toString('utf8'))).toMatchObject({
      transaction: { id: transactions[0]!.id, status: 'settled' },
    });
    const m = gw.merchant;
    expect(note.headers['x-imoje-signature']).toBe(
      expectedSignatureHeader(note.body, m.merchantId, m.serviceId, m.serviceKey),
    );
  });

  it('oneclick: a signed GET with a cid registers the card; the next order offers the saved card', async () => {
    const cid = uniqueCid();
    const f = fields({ preselectMethodCode: 'oneclick', cid });
    await checkout(signed(f), 'get', async (page) => {
      await page.getByText('Your card will be saved').waitFor();
      await fillCard(page.mainFrame(), PLAIN);
      await page.locator('#kw-pay').click();
      await page.waitForURL(`${shop.origin}/success`);
    });
    const profiles = await gw.merchant.api.get<ProfileList>(`/profile/cid/${cid}`);
    expect(profiles.body.paymentProfiles[0]).toMatchObject({ isActive: 1, profile: 'ONE_CLICK' });

    const next = fields({ preselectMethodCode: 'oneclick', customerId: cid });
    await checkout(signed(next), 'post', async (page) => {
      await page.screenshot({ path: `${ARTIFACTS}/form-oneclick-saved.png` });
      await page.locator('#kw-saved').click();
      await page.waitForURL(`${shop.origin}/success`);
    });
    const { transactions } = await chargesFor(gw.gateway.storage, next.orderId!);
    expect(transactions[0]).toMatchObject({
      status: 'settled',
      profileId: profiles.body.paymentProfiles[0]!.id,
    });
  });

  it('recurring: a signed form with a cid registers a RECURRING profile', async () => {
    const cid = uniqueCid();
    await checkout(signed(fields({ preselectMethodCode: 'recurring', cid })), 'post', async (page) => {
      await page.getByText('recurring payments').waitFor();
      await fillCard(page.mainFrame(), PLAIN);
      await page.locator('#kw-pay').click();
      await page.waitForURL(`${shop.origin}/success`);
    });
    const profiles = await gw.merchant.api.get<ProfileList>(`/profile/cid/${cid}`);
    expect(profiles.body.paymentProfiles[0]).toMatchObject({ isActive: 1, profile: 'RECURRING' });
  });

  for (const method of ['ecom3ds', 'oneclick', 'recurring'] as const) {
    it(`${method}: a tampered form (amount changed after signing) is refused and charges nothing`, async () => {
      const f = fields(method === 'ecom3ds' ? {} : { preselectMethodCode: method, cid: uniqueCid() });
      const form = { ...signed(f), amount: '1' };
      await checkout(form, 'post', async (page) => {
        expect(await page.locator('#kw-error').getAttribute('data-code')).toBe('invalid_signature');
        expect(await page.locator('#kw-number').count()).toBe(0);
        if (method === 'ecom3ds') await page.screenshot({ path: `${ARTIFACTS}/form-tampered.png` });
      });
      expect((await chargesFor(gw.gateway.storage, f.orderId!)).transactions).toHaveLength(0);
    });
  }

  it('a signed order is paid at most once: posting the same form again says it was paid', async () => {
    const f = fields();
    await checkout(signed(f), 'post', async (page) => {
      await fillCard(page.mainFrame(), PLAIN);
      await page.locator('#kw-pay').click();
      await page.waitForURL(`${shop.origin}/success`);
    });
    await checkout(signed(f), 'post', async (page) => {
      expect(await page.locator('#kw-error').getAttribute('data-code')).toBe('already_paid');
    });
    expect((await chargesFor(gw.gateway.storage, f.orderId!)).charged).toHaveLength(1);
  });
});
