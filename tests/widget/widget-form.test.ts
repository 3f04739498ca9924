import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import {
  ARTIFACTS,
  fillCard,
  launchBrowser,
  newPage,
  panForms,
  ShopServer,
  TrafficRecorder,
  transactionRows,
  widgetFrame,
  widgetOrder,
  withSignature,
  NO_BROWSER,
} from './support.js';

type Events = Array<{ type: string; [k: string]: unknown }>;

/** Waits until the shop page's own listener (shop.js) has recorded an event of this type. */
async function waitForEvent(page: Page, type: string): Promise<Events> {
  await page.waitForFunction(
    (t) => (window as unknown as { kartotekaEvents: Events }).kartotekaEvents.some((e) => e.type === t),
    type,
  );
  return page.evaluate(() => (window as unknown as { kartotekaEvents: Events }).kartotekaEvents);
}

describe.skipIf(NO_BROWSER)('hosted card form', () => {
  let gw: TestGateway;
  let shop: ShopServer;
  let browser: Browser;

  beforeAll(async () => {
    shop = new ShopServer();
    await shop.start();
    gw = await startGateway({ shop: { pci: false, notificationUrl: `${shop.origin}/notify` } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await shop?.close();
  });

  it('serves widget.min.js as cacheable JavaScript, and the form under a strict CSP', async () => {
    const res = await fetch(`${gw.url}/js/widget.min.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = res.headers.get('etag')!;
    const text = await res.text();
    expect(text).toContain('imoje-widget__script');
    expect(text).not.toMatch(/^\s*\/\//m);
    const again = await fetch(`${gw.url}/js/widget.min.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);

    const m = gw.merchant;
    const order = widgetOrder(m, shop);
    const session = await fetch(`${gw.url}/widget/session`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: shop.origin },
      body: new URLSearchParams(withSignature(m, order.signed)).toString(),
    });
    expect(session.status).toBe(303);
    const form = await fetch(gw.url + session.headers.get('location'));
    const csp = form.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain(`frame-ancestors ${shop.origin}`);
    expect(csp).not.toContain('unsafe-inline');
    // Without an Origin header (some browsers send `Origin: null` from no-referrer pages), the origin the
    // widget script posted is used.
    const noOrigin = await fetch(`${gw.url}/widget/session`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' },
      body: new URLSearchParams({
        ...withSignature(m, order.signed),
        kartotekaParentOrigin: shop.origin,
      }).toString(),
    });
    const fallback = await fetch(gw.url + noOrigin.headers.get('location'));
    expect(fallback.headers.get('content-security-policy')).toContain(`frame-ancestors ${shop.origin}`);
    const html = await form.text();
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/);
    expect(html).not.toMatch(/ on[a-z]+=/);
  });

  it('refuses expired or incomplete attributes and cross-site posts to a session, charging nothing', async () => {
    const m = await gw.newMerchant({ pci: false });
    const open = (signed: Record<string, string>) =>
      fetch(`${gw.url}/widget/session`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: shop.origin },
        body: new URLSearchParams({ ...withSignature(m, signed), locale: 'en' }).toString(),
      });
    const expired = await open(widgetOrder(m, shop, { validTo: '1000000000' }).signed);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('expired');
    const incomplete = await open(widgetOrder(m, shop, { customerEmail: null, amount: '1.5' }).signed);
    expect(incomplete.status).toBe(422);
    const text = await incomplete.text();
    expect(text).toContain('data-customer-email is required');
    expect(text).toContain('data-amount must be');

    const ok = await open(widgetOrder(m, shop).signed);
    const location = ok.headers.get('location')!;
    const card = { number: '4111111111111111', expiry: '12/40', cvv: '123', holder: 'Jan Kowalski' };
    const crossSite = await fetch(`${gw.url}${location}/pay`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams(card).toString(),
    });
    expect(crossSite.status).toBe(403);
    expect(await transactionRows(gw, m.merchantId)).toHaveLength(0);
  });

  it('formats, shows the brand and checks Luhn as the payer types, accessibly, in Polish at phone width', async () => {
    const m = gw.merchant;
    const order = widgetOrder(m, shop);
    const url = shop.checkout(gw.url, '/checkout-phone', { ...withSignature(m, order.signed), locale: 'pl' });
    const { context, page } = await newPage(browser, 375, 740);
    try {
      await page.goto(url);
      const frame = await widgetFrame(page);
      await expect(frame.locator('html').getAttribute('lang')).resolves.toBe('pl');
      // Every input has a label; errors are announced through aria-live regions tied by aria-describedby.
      for (const [id, label] of [
        ['kw-number', 'Numer karty'],
        ['kw-expiry', 'Data ważności (MM/RR)'],
        ['kw-cvv', 'CVV'],
        ['kw-holder', 'Imię i nazwisko posiadacza'],
      ] as const) {
        await expect(frame.getByLabel(label, { exact: true }).getAttribute('id')).resolves.toBe(id);
        await expect(frame.locator(`#${id}-err`).getAttribute('aria-live')).resolves.toBe('polite');
      }
      // The number field has focus on load: the payer can type at once, and Tab walks the form in order.
      await page.waitForFunction(() => true);
      const number = frame.locator('#kw-number');
      await expect(number.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await page.keyboard.type('5555555555554445');
      await expect(number.inputValue()).resolves.toBe('5555 5555 5555 4445');
      await expect(frame.locator('#kw-brand').textContent()).resolves.toBe('MASTERCARD');
      await expect(number.getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(frame.locator('#kw-number-err').textContent()).resolves.toBe(
        'Ten numer karty jest nieprawidłowy — sprawdź go.',
      );
      await page.keyboard.press('Backspace');
      await page.keyboard.type('4');
      await expect(number.getAttribute('aria-invalid')).resolves.toBe(null);
      await page.keyboard.press('Tab');
      await expect(frame.locator('#kw-expiry').evaluate((el) => el === document.activeElement)).resolves.toBe(
        true,
      );
      await page.keyboard.type('1229');
      await expect(frame.locator('#kw-expiry').inputValue()).resolves.toBe('12/29');
      await page.keyboard.press('Tab');
      await page.keyboard.type('12');
      // Submitting with a short CVV is stopped in the browser, with a summary announced (role=alert).
      await frame.locator('#kw-pay').click();
      await expect(frame.locator('#kw-alert').textContent()).resolves.toBe('Popraw zaznaczone pola.');
      await expect(frame.locator('#kw-alert').getAttribute('role')).resolves.toBe('alert');
      await expect(frame.locator('#kw-cvv').evaluate((el) => el === document.activeElement)).resolves.toBe(
        true,
      );
      // The form fits a phone screen: no horizontal scrolling, the pay button visible without zooming.
      const fits = await frame.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      expect(fits).toBe(true);
      await frame.locator('#kw-pay').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${ARTIFACTS}/form-phone.png` });
      await expect(frame.locator('#kw-pay').textContent()).resolves.toMatch(/^Zapłać 19,99\szł$/);
    } finally {
      await context.close();
    }
    expect((await transactionRows(gw, m.merchantId)).filter((r) => r.orderId === order.orderId)).toHaveLength(
      0,
    );
  });

  it('runs inline and opens on the shop’s element event; a recurring payment reports success by postMessage', async () => {
    const m = gw.merchant;
    // No return URLs: a single-page shop stays where it is and listens to the events.
    const order = widgetOrder(m, shop, {
      widgetType: 'recurring',
      urlSuccess: null,
      urlFailure: null,
      urlCancel: null,
    });
    const url = shop.checkout(gw.url, '/checkout-inline', {
      ...withSignature(m, order.signed),
      locale: 'en',
      inline: 'true',
      elementId: 'pay',
      elementEvent: 'click',
    });
    const { context, page } = await newPage(browser, 900, 900);
    const traffic = new TrafficRecorder(page, shop.origin);
    try {
      await page.goto(url);
      await page.waitForLoadState('load');
      expect(await page.locator('#imoje-widget__frame').count()).toBe(0);
      await page.locator('#pay').click();
      const frame = await widgetFrame(page);
      await expect(page.locator('#imoje-widget__wrapper #imoje-widget__frame').count()).resolves.toBe(1);
      expect(await page.locator('#imoje-widget__overlay').count()).toBe(0);
      await waitForEvent(page, 'kartoteka:ready');
      await frame.getByText('recurring payments').waitFor();
      await fillCard(frame, '4111111111111111');
      await page.screenshot({ path: `${ARTIFACTS}/form-inline.png` });
      await frame.locator('#kw-pay').click();
      const success = (await waitForEvent(page, 'kartoteka:success')).find(
        (e) => e.type === 'kartoteka:success',
      )!;
      const [t] = (await transactionRows(gw, m.merchantId)).filter((r) => r.orderId === order.orderId);
      expect(success).toMatchObject({ transactionId: t!.id, status: 'settled', orderId: order.orderId });
      expect(success.paymentProfileId).toBe(t!.profileId);
      expect(t).toMatchObject({ paymentMethodCode: 'recurring', source: 'web' });
      const profiles = await m.api.get<{ paymentProfiles: Array<{ profile: string }> }>(
        `/profile/cid/${order.cid}`,
      );
      expect(profiles.body.paymentProfiles[0]!.profile).toBe('RECURRING');
      expect(page.url()).toBe(url);
      await frame.getByText('Payment successful').waitFor();
      const recorded = await traffic.all();
      for (const form of panForms('4111111111111111')) expect(recorded).not.toContain(form);
    } finally {
      await context.close();
    }
  });

  it('pays once with ecom3ds and saves no card', async () => {
    const m = gw.merchant;
    const order = widgetOrder(m, shop, { widgetType: 'ecom3ds' });
    const url = shop.checkout(gw.url, '/checkout-ecom', { ...withSignature(m, order.signed), locale: 'en' });
    const { context, page } = await newPage(browser);
    try {
      await page.goto(url);
      const frame = await widgetFrame(page);
      expect(await frame.getByText('will be saved').count()).toBe(0);
      await fillCard(frame, '5454545454545454');
      await frame.locator('#kw-pay').click();
      await frame.waitForURL(/\/3ds\//);
      await frame.getByRole('button', { name: 'Authenticate' }).click();
      await page.waitForURL(`${shop.origin}/success`);
    } finally {
      await context.close();
    }
    const [t] = (await transactionRows(gw, m.merchantId)).filter((r) => r.orderId === order.orderId);
    expect(t).toMatchObject({
      status: 'settled',
      paymentMethodCode: 'ecom3ds',
      profileId: null,
      source: 'web',
    });
  });

  it('still lets a returning payer use another card, which pays once and leaves the saved card alone', async () => {
    const m = gw.merchant;
    const first = widgetOrder(m, shop);
    const { context, page } = await newPage(browser);
    try {
      await page.goto(
        shop.checkout(gw.url, '/checkout-first', { ...withSignature(m, first.signed), locale: 'en' }),
      );
      let frame = await widgetFrame(page);
      await fillCard(frame, '4111111111111111');
      await frame.locator('#kw-pay').click();
      await page.waitForURL(`${shop.origin}/success`);

      const order = widgetOrder(m, shop, { customerId: first.cid });
      await page.goto(
        shop.checkout(gw.url, '/checkout-other', { ...withSignature(m, order.signed), locale: 'en' }),
      );
      frame = await widgetFrame(page);
      await frame.locator('#kw-saved').waitFor();
      await frame.getByText('Use another card').click();
      await frame.getByText('used for this payment only').waitFor();
      await fillCard(frame, '5555555555554444');
      await frame.locator('#kw-pay').click();
      await page.waitForURL(`${shop.origin}/success`);
      const [t] = (await transactionRows(gw, m.merchantId)).filter((r) => r.orderId === order.orderId);
      expect(t).toMatchObject({ status: 'settled', paymentMethodCode: 'ecom3ds', source: 'web' });
      const profiles = await m.api.get<{
        paymentProfiles: Array<{ maskedNumber: string; isActive: number }>;
      }>(`/profile/cid/${first.cid}`);
      expect(profiles.body.paymentProfiles).toMatchObject([{ maskedNumber: '****1111', isActive: 1 }]);
    } finally {
      await context.close();
    }
  });

  it('the traffic recorder does see a card number the shop page sends to its own server (control)', async () => {
    const { context, page } = await newPage(browser);
    const traffic = new TrafficRecorder(page, shop.origin);
    try {
      await page.goto(`${shop.origin}/success`);
      await page.evaluate(() => fetch('/leak', { method: 'POST', body: 'pan=4012001037141112' }));
      expect(await traffic.all()).toContain('4012001037141112');
    } finally {
      await context.close();
    }
  });
});
