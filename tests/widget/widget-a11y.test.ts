import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import { chargesFor } from './http-widget.js';
import {
  ARTIFACTS,
  fillCard,
  launchBrowser,
  newPage,
  ShopServer,
  transactionRows,
  widgetFrame,
  widgetOrder,
  withSignature,
  NO_BROWSER,
} from './support.js';

/** Issue 14, item 6: what a real browser showed was wrong with the widget. */

const PLAIN = '4111111111111111';
const THREE_DS = '4012001037141112';
const DECLINED = '4444333322221111';

type Events = Array<{ type: string; [k: string]: unknown }>;

async function events(page: Page, type: string): Promise<Events> {
  await page.waitForFunction(
    (t) => (window as unknown as { kartotekaEvents: Events }).kartotekaEvents.some((e) => e.type === t),
    type,
  );
  return (
    await page.evaluate(() => (window as unknown as { kartotekaEvents: Events }).kartotekaEvents)
  ).filter((e) => e.type === type);
}

/** The id (or tag) of the element focused inside the frame, and whether the shop page's focus is that frame. */
async function focusInside(page: Page, frame: Frame): Promise<{ top: string; inner: string }> {
  const top = await page.evaluate(() => document.activeElement?.id ?? '');
  const inner = await frame.evaluate(() => {
    const el = document.activeElement;
    return el ? el.id || el.tagName.toLowerCase() : '';
  });
  return { top, inner };
}

/** Counts form submissions made by script inside the frame (form.js cancels with `form.submit()`). */
async function countSubmits(frame: Frame): Promise<void> {
  await frame.evaluate(() => {
    const w = window as unknown as { submits: number };
    w.submits = 0;
    const original = HTMLFormElement.prototype.submit;
    HTMLFormElement.prototype.submit = function (this: HTMLFormElement) {
      w.submits++;
      original.call(this);
    };
  });
}

describe.skipIf(NO_BROWSER)('widget fixes found in a real browser', () => {
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

  it('a data-customer-id with _ opens and pays; a malformed value is "invalid", not "incomplete"', async () => {
    const m = gw.merchant;
    const cid = `customer_77_${Date.now().toString(36)}`;
    const order = widgetOrder(m, shop, { customerId: cid });
    const { context, page } = await newPage(browser);
    try {
      await page.goto(
        shop.checkout(gw.url, '/cid-underscore', { ...withSignature(m, order.signed), locale: 'en' }),
      );
      const frame = await widgetFrame(page);
      await fillCard(frame, PLAIN);
      await frame.locator('#kw-pay').click();
      await page.waitForURL(`${shop.origin}/success`);

      const bad = widgetOrder(m, shop, { customerId: 'customer 77' });
      await page.goto(
        shop.checkout(gw.url, '/cid-malformed', { ...withSignature(m, bad.signed), locale: 'en' }),
      );
      const errorFrame = await widgetFrame(page);
      const message = await errorFrame.locator('#kw-error').textContent();
      expect(message).toContain('contains invalid values');
      expect(message).not.toContain('incomplete');
      await expect(errorFrame.locator('.kw-details').textContent()).resolves.toBe(
        'data-customer-id may contain only letters, digits, - and _',
      );
    } finally {
      await context.close();
    }
    const [t] = (await transactionRows(gw, m.merchantId)).filter((r) => r.orderId === order.orderId);
    expect(t).toMatchObject({ status: 'settled', source: 'web' });
  });

  it('a title with <b> is refused by the widget exactly as the API refuses it, and nothing is paid', async () => {
    const m = gw.merchant;
    const title = 'Mug <b>sale</b>';
    const api = await m.api.post<{
      apiErrorResponse: { code: string; errors: Array<{ property: string; message: string }> };
    }>('/transaction', saleBody(m.serviceId, { title }));
    expect(api.status).toBe(422);
    const apiError = api.body.apiErrorResponse.errors.find((e) => e.property === 'title');
    expect(apiError?.message).toBe('may contain only letters, digits, spaces and # & _ - , . / \\ " \'');

    const order = widgetOrder(m, shop, { orderDescription: title });
    const { context, page } = await newPage(browser);
    try {
      const answer = page.waitForResponse((r) => r.url().endsWith('/widget/session'));
      await page.goto(
        shop.checkout(gw.url, '/title-markup', { ...withSignature(m, order.signed), locale: 'en' }),
      );
      expect((await answer).status()).toBe(api.status);
      const frame = await widgetFrame(page);
      await expect(frame.locator('.kw-details').textContent()).resolves.toBe(
        `data-order-description ${apiError!.message}`,
      );
      expect(await frame.locator('#kw-number').count()).toBe(0);
      const [error] = await events(page, 'kartoteka:error');
      expect(error).toMatchObject({
        code: 'invalid_attributes',
        errors: [{ attribute: 'data-order-description', message: apiError!.message }],
      });
    } finally {
      await context.close();
    }
    expect((await transactionRows(gw, m.merchantId)).filter((r) => r.orderId === order.orderId)).toHaveLength(
      0,
    );
  });

  it('the overlay is a modal dialog: Tab and Shift+Tab stay inside it, the shop page behind is inert', async () => {
    const m = gw.merchant;
    const order = widgetOrder(m, shop);
    const { context, page } = await newPage(browser);
    try {
      await page.goto(shop.checkout(gw.url, '/dialog', { ...withSignature(m, order.signed), locale: 'en' }));
      const frame = await widgetFrame(page);
      const overlay = page.locator('#imoje-widget__overlay');
      await expect(overlay.getAttribute('role')).resolves.toBe('dialog');
      await expect(overlay.getAttribute('aria-modal')).resolves.toBe('true');
      await expect(overlay.getAttribute('aria-label')).resolves.toBe('Card payment');
      // Everything else on the shop page is inert: it can be neither focused nor clicked.
      const behind = await page.evaluate(() =>
        Array.from(document.body.children)
          .filter((el) => el.id !== 'imoje-widget__overlay' && el.tagName !== 'SCRIPT')
          .map((el) => (el as HTMLElement).inert),
      );
      expect(behind.length).toBeGreaterThan(0);
      expect(behind.every(Boolean)).toBe(true);
      const shopButtonFocusable = await page.evaluate(() => {
        const pay = document.getElementById('pay')!;
        pay.focus();
        return document.activeElement === pay;
      });
      expect(shopButtonFocusable).toBe(false);
      await expect(page.locator('#pay').click({ timeout: 1500 })).rejects.toThrow();

      // The card number has focus; Tab walks the dialog's controls and comes back round, never to the shop.
      await expect(focusInside(page, frame)).resolves.toEqual({
        top: 'imoje-widget__frame',
        inner: 'kw-number',
      });
      const forward: string[] = [];
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Tab');
        const f = await focusInside(page, frame);
        expect(f.top).toBe('imoje-widget__frame');
        forward.push(f.inner);
      }
      expect(forward).toEqual(['kw-expiry', 'kw-cvv', 'kw-holder', 'kw-pay', 'kw-cancel', 'kw-number']);
      const backward: string[] = [];
      for (let i = 0; i < 3; i++) {
        await page.keyboard.press('Shift+Tab');
        const f = await focusInside(page, frame);
        expect(f.top).toBe('imoje-widget__frame');
        backward.push(f.inner);
      }
      expect(backward).toEqual(['kw-cancel', 'kw-pay', 'kw-holder']);

      // Closing the dialog gives the shop page back.
      await frame.locator('#kw-cancel').click();
      await page.waitForURL(`${shop.origin}/cancel`);
    } finally {
      await context.close();
    }
  });

  it('no charging button has focus on open (Enter pays nothing); Escape cancels only with focus inside', async () => {
    const m = gw.merchant;
    const first = widgetOrder(m, shop);
    const order = widgetOrder(m, shop, { customerId: first.cid });
    const { context, page } = await newPage(browser);
    try {
      await page.goto(
        shop.checkout(gw.url, '/register', { ...withSignature(m, first.signed), locale: 'en' }),
      );
      const registering = await widgetFrame(page);
      await fillCard(registering, PLAIN);
      await registering.locator('#kw-pay').click();
      await page.waitForURL(`${shop.origin}/success`);

      await page.goto(shop.checkout(gw.url, '/saved', { ...withSignature(m, order.signed), locale: 'en' }));
      const frame = await widgetFrame(page);
      await frame.locator('#kw-saved').waitFor();
      await expect(focusInside(page, frame)).resolves.toEqual({
        top: 'imoje-widget__frame',
        inner: 'kw-title',
      });
      await countSubmits(frame);
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST') posts.push(new URL(r.url()).pathname);
      });
      await page.keyboard.press('Enter');
      await expect(frame.locator('#kw-saved').isVisible()).resolves.toBe(true);
      expect(posts).toEqual([]);

      // Focus on the shop page (outside the dialog): Escape there does nothing.
      await frame.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await expect(page.evaluate(() => document.activeElement === document.body)).resolves.toBe(true);
      await page.keyboard.press('Escape');
      await expect(frame.evaluate(() => (window as unknown as { submits: number }).submits)).resolves.toBe(0);
      expect(posts).toEqual([]);

      // With focus inside the dialog, Escape cancels.
      await frame.locator('#kw-title').focus();
      await page.keyboard.press('Escape');
      await page.waitForURL(`${shop.origin}/cancel`);
      expect(posts.filter((p) => p.endsWith('/cancel'))).toHaveLength(1);
      expect(posts.filter((p) => p.endsWith('/saved'))).toHaveLength(0);
    } finally {
      await context.close();
    }
    expect((await transactionRows(gw, m.merchantId)).filter((r) => r.orderId === order.orderId)).toHaveLength(
      0,
    );
  });

  for (const locale of ['pl', 'en'] as const) {
    it(`at 375 px (${locale}) the expiry and CVV inputs line up, the placeholder matches the label, amounts read one way`, async () => {
      const m = gw.merchant;
      const order = widgetOrder(m, shop);
      const { context, page } = await newPage(browser, 375, 740);
      try {
        await page.goto(
          shop.checkout(gw.url, `/phone-${locale}`, { ...withSignature(m, order.signed), locale }),
        );
        const frame = await widgetFrame(page);
        const box = (id: string) =>
          frame.locator(id).evaluate((el) => {
            const r = el.getBoundingClientRect();
            return { top: r.top, height: r.height };
          });
        const expiry = await box('#kw-expiry');
        const cvv = await box('#kw-cvv');
        expect(expiry.top).toBe(cvv.top);
        expect(expiry.height).toBe(cvv.height);
        const placeholder = (await frame.locator('#kw-expiry').getAttribute('placeholder'))!;
        expect(placeholder).toBe(locale === 'pl' ? 'MM/RR' : 'MM/YY');
        await expect(frame.locator('label[for="kw-expiry"]').textContent()).resolves.toContain(
          `(${placeholder})`,
        );
        const amount = locale === 'pl' ? /^19,99\u00a0zł$/ : /^PLN\u00a019\.99$/;
        await expect(frame.locator('#kw-amount').textContent()).resolves.toMatch(amount);
        const shown = (await frame.locator('#kw-amount').textContent())!;
        await expect(frame.locator('#kw-pay').textContent()).resolves.toBe(
          `${locale === 'pl' ? 'Zapłać' : 'Pay'} ${shown}`,
        );
        const fits = await frame.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
        expect(fits).toBe(true);
        await page.screenshot({ path: `${ARTIFACTS}/form-375-${locale}.png` });
        if (locale === 'en') {
          // The 3-D Secure page (English) writes the amount as the English form does.
          await fillCard(frame, THREE_DS);
          await frame.locator('#kw-pay').click();
          await frame.waitForURL(/\/3ds\//);
          await expect(frame.locator('#amount').textContent()).resolves.toBe(shown);
        }
      } finally {
        await context.close();
      }
    });
  }
});

describe.skipIf(NO_BROWSER).each(DB_KINDS)('a declined card in the widget (%s)', (db) => {
  let gw: TestGateway;
  let shop: ShopServer;
  let browser: Browser;

  beforeAll(async () => {
    shop = new ShopServer();
    await shop.start();
    gw = await startGateway({ db, shop: { pci: false, notificationUrl: `${shop.origin}/notify` } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await shop?.close();
  });

  it('keeps the payer in the form with the reason; "try another card" then pays, charged once', async () => {
    const m = gw.merchant;
    const order = widgetOrder(m, shop);
    const { context, page } = await newPage(browser);
    try {
      await page.goto(
        shop.checkout(gw.url, '/decline-retry', { ...withSignature(m, order.signed), locale: 'en' }),
      );
      let frame = await widgetFrame(page);
      await fillCard(frame, DECLINED);
      await frame.locator('#kw-pay').click();
      // Still on the shop's checkout, the form again, with the reason and the way on.
      await frame.locator('#kw-retry').waitFor();
      frame = await widgetFrame(page);
      expect(page.url()).toBe(`${shop.origin}/decline-retry`);
      await expect(frame.locator('#kw-alert').textContent()).resolves.toBe(
        'The payment was not accepted: the bank declined the card. Nothing was charged.',
      );
      await expect(frame.locator('#kw-retry').textContent()).resolves.toBe('Try another card');
      await expect(frame.locator('#kw-back').getAttribute('href')).resolves.toBe(`${shop.origin}/failure`);
      await expect(frame.locator('#kw-number').inputValue()).resolves.toBe('');
      const [failure] = await events(page, 'kartoteka:failure');
      expect(failure).toMatchObject({ statusCode: 'CODE_05', status: 'rejected', retry: true });
      await page.screenshot({ path: `${ARTIFACTS}/declined-retry-${db}.png` });

      await frame.locator('#kw-retry').click();
      await expect(frame.evaluate(() => document.activeElement?.id)).resolves.toBe('kw-number');
      await fillCard(frame, PLAIN);
      await frame.locator('#kw-pay').click();
      await page.waitForURL(`${shop.origin}/success`);
    } finally {
      await context.close();
    }
    const { transactions, charged } = await chargesFor(gw.gateway.storage, order.orderId);
    expect(transactions.map((t) => t.status).sort()).toEqual(['rejected', 'settled']);
    expect(charged).toHaveLength(1);
  });
});
