import type { Browser } from 'playwright-core';
import { signPaywall, type PaywallForm } from '../../src/paywall/signature.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { startImojeUpstream, type ImojeUpstream } from '../support/imoje-upstream.js';
import {
  ARTIFACTS,
  fillCard,
  launchBrowser,
  newPage,
  NO_BROWSER,
  ShopServer,
  widgetFrame,
  widgetOrder,
  withSignature,
} from '../widget/support.js';
import { approvedCharges, upstreamOf } from './upstream.js';
import { UpstreamProxy } from './upstream-proxy.js';

/**
 * Issue 16 item 2, the widget on B: the shop embeds B's widget; upstream A challenges the card on its own page,
 * which refuses to be framed. The widget offers the way out of its iframe, A's page runs top-level, and the
 * payer comes back through B's return endpoint and the widget's result to the shop's own URL.
 */
const CHALLENGE = '4012001037141112';

describe.skipIf(NO_BROWSER)('Kartoteka in front of imoje: the widget on B with a challenge at A', () => {
  let upstream: ImojeUpstream;
  let proxy: UpstreamProxy;
  let b: TestGateway;
  let shop: ShopServer;
  let browser: Browser;

  beforeAll(async () => {
    upstream = await startImojeUpstream();
    proxy = await UpstreamProxy.start(upstream.a.url);
    shop = new ShopServer();
    await shop.start();
    b = await startGateway({
      env: upstream.env(proxy.url),
      shop: { pci: false, notificationUrl: `${shop.origin}/notify` },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await b?.close();
    await proxy?.close();
    await shop?.close();
    await upstream?.close();
  });

  async function payInWidget(path: string, answer: 'Authenticate' | 'Fail', width = 1280) {
    const m = b.merchant;
    const order = widgetOrder(m, shop);
    const url = shop.checkout(b.url, path, { ...withSignature(m, order.signed), locale: 'en' });
    const { context, page } = await newPage(browser, width);
    await page.goto(url);
    const frame = await widgetFrame(page);
    await fillCard(frame, CHALLENGE);
    await frame.locator('#kw-pay').click();
    // Still inside the iframe: B's page with the way to the bank, reachable by keyboard.
    const out = frame.getByRole('link', { name: 'Continue to your bank' });
    await out.waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/imoje-widget-bank-${width}.png` });
    await out.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`^${upstream.a.url}/3ds/`));
    await page.getByRole('button', { name: answer }).click();
    return { context, page, order };
  }

  it('passed at A: the browser ends at the shop’s success URL, the card is registered on B, charged once at A', async () => {
    const before = (await approvedCharges(upstream.a)).length;
    const { context, page, order } = await payInWidget('/checkout-imoje-pass', 'Authenticate');
    try {
      await page.waitForURL(`${shop.origin}/success`);
      const [row] = await b.gateway.storage.db
        .selectFrom('transactions')
        .selectAll()
        .where('orderId', '=', order.orderId)
        .execute();
      expect(row).toMatchObject({ status: 'settled', source: 'web' });
      expect(row!.profileId).not.toBeNull();
      const [up] = await upstreamOf(upstream.a, row!.id);
      expect(up!.row.status).toBe('settled');
      expect(await approvedCharges(upstream.a)).toHaveLength(before + 1);
      // The payer's browser data, from the form's request and its script, went to A with the payment.
      const [sent] = proxy.received.filter(
        (r) => r.path.endsWith('/transaction') && (r.body as { orderId?: string }).orderId === row!.id,
      );
      const browserData = (sent!.body as { additionalData: { browser: Record<string, unknown> } })
        .additionalData.browser;
      expect(browserData).toMatchObject({ ip: '127.0.0.1', jsEnabled: true, javaEnabled: false });
      expect(browserData.userAgent).toMatch(/Chrome/);
      expect(browserData.accept).toMatch(/text\/html/);
      expect(browserData.language).toMatch(/^[a-z]{2}(-[A-Z]{2})?$/);
      for (const field of ['screenWidth', 'screenHeight', 'screenColorDepth', 'timezoneOffset']) {
        expect(Number.isInteger(browserData[field]), field).toBe(true);
      }
      expect(browserData.screenWidth as number).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });

  it('failed at A: nothing charged, and the payer is back in B’s form with the reason, at 375 px', async () => {
    const before = (await approvedCharges(upstream.a)).length;
    const { context, page, order } = await payInWidget('/checkout-imoje-fail', 'Fail', 375);
    try {
      await page.waitForURL(new RegExp(`^${b.url}/widget/session/`));
      await page.locator('#kw-number').waitFor();
      await page.screenshot({ path: `${ARTIFACTS}/imoje-widget-after-failed-challenge-375.png` });
      const [row] = await b.gateway.storage.db
        .selectFrom('transactions')
        .selectAll()
        .where('orderId', '=', order.orderId)
        .execute();
      expect(row).toMatchObject({ status: 'rejected', statusCode: 'CODE_570' });
      expect(await approvedCharges(upstream.a)).toHaveLength(before);
    } finally {
      await context.close();
    }
  });

  it('imoje’s paywall form on B (the form is the whole page): through A’s challenge back to the shop’s urlSuccess', async () => {
    const before = (await approvedCharges(upstream.a)).length;
    const m = b.merchant;
    const f: PaywallForm = {
      serviceId: m.serviceId,
      merchantId: m.merchantId,
      amount: '3100',
      currency: 'PLN',
      orderId: `pw-imoje-${Date.now().toString(36)}`,
      customerFirstName: 'Jan',
      customerLastName: 'Kowalski',
      customerEmail: 'jan@example.com',
      orderDescription: 'Paywall order',
      urlSuccess: `${shop.origin}/success`,
      urlFailure: `${shop.origin}/failure`,
      urlReturn: `${shop.origin}/return`,
      locale: 'en',
    };
    const form = { ...(f as Record<string, string>), signature: signPaywall(f, m.serviceKey) };
    const inputs = Object.entries(form)
      .map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/"/g, '&quot;')}">`)
      .join('');
    const url = shop.publish(
      '/checkout-imoje-paywall',
      `<!doctype html><title>Checkout</title><form method="post" action="${b.url}/payment">${inputs}<button id="go">Pay</button></form>`,
    );
    const { context, page } = await newPage(browser);
    try {
      await page.goto(url);
      await page.locator('#go').click();
      await page.waitForSelector('main.kw');
      await fillCard(page.mainFrame(), CHALLENGE);
      await page.locator('#kw-pay').click();
      await page.getByRole('link', { name: 'Continue to your bank' }).click();
      await page.waitForURL(new RegExp(`^${upstream.a.url}/3ds/`));
      await page.getByRole('button', { name: 'Authenticate' }).click();
      await page.waitForURL(`${shop.origin}/success`);
      const [row] = await b.gateway.storage.db
        .selectFrom('transactions')
        .selectAll()
        .where('orderId', '=', f.orderId!)
        .execute();
      expect(row).toMatchObject({ status: 'settled', amount: 3100 });
      expect(await approvedCharges(upstream.a)).toHaveLength(before + 1);
    } finally {
      await context.close();
    }
  });
});
