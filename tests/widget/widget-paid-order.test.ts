import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { chargesFor } from './http-widget.js';
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
} from './support.js';

type Events = { kartotekaEvents: Array<{ type: string; code?: string }> };

/** Issue 12, items 3 and 11, as the payer sees them in a real browser. */
describe.skipIf(NO_BROWSER).each(DB_KINDS)('paid and re-arranged widget orders in a browser (%s)', (db) => {
  let gw: TestGateway;
  let shop: ShopServer;
  let browser: Browser;
  beforeAll(async () => {
    shop = new ShopServer();
    await shop.start();
    gw = await startGateway({ db, shop: { pci: false } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await shop?.close();
  });

  it('reloading the shop page of a paid order says it was paid and offers no saved card', async () => {
    const m = gw.merchant;
    const order = widgetOrder(m, shop);
    const url = shop.checkout(gw.url, `/checkout-paid-${db}`, {
      ...withSignature(m, order.signed),
      locale: 'en',
    });
    const { context, page } = await newPage(browser);
    try {
      await page.goto(url);
      await fillCard(await widgetFrame(page), '4111111111111111');
      await (await widgetFrame(page)).locator('#kw-pay').click();
      await page.waitForURL(`${shop.origin}/success`);
      // The payer goes back and reloads the checkout: the card just saved must not be offered again.
      await page.goto(url);
      const frame = await widgetFrame(page);
      const error = frame.locator('#kw-error');
      await expect(error.textContent()).resolves.toContain('This order has already been paid');
      expect(await frame.locator('#kw-saved').count()).toBe(0);
      expect(await frame.locator('#kw-number').count()).toBe(0);
      await page.waitForFunction(() =>
        (window as unknown as Events).kartotekaEvents.some((e) => e.type === 'kartoteka:error'),
      );
      const events = await page.evaluate(() => (window as unknown as Events).kartotekaEvents);
      expect(events.find((e) => e.type === 'kartoteka:error')).toMatchObject({ code: 'already_paid' });
      await page.screenshot({ path: `${ARTIFACTS}/already-paid-${db}.png` });
    } finally {
      await context.close();
    }
    expect((await chargesFor(gw.gateway.storage, order.orderId)).charged).toHaveLength(1);
  });

  it('a re-arranged expired widget (validTo moved into urlSuccess) opens on the invalid-signature page', async () => {
    const m = gw.merchant;
    const validTo = String(Math.floor(Date.now() / 1000) - 60);
    const order = widgetOrder(m, shop, { validTo });
    const { validTo: _dropped, ...rest } = withSignature(m, order.signed);
    void _dropped;
    const rearranged = { ...rest, urlSuccess: `${order.signed.urlSuccess}&validTo=${validTo}`, locale: 'en' };
    const { context, page } = await newPage(browser);
    try {
      await page.goto(shop.checkout(gw.url, `/checkout-rearranged-${db}`, rearranged));
      const frame = await widgetFrame(page);
      await expect(frame.locator('#kw-error').textContent()).resolves.toContain('invalid signature');
      await expect(frame.locator('.kw-details').textContent()).resolves.toContain(
        'data-url-success contains "&validTo="',
      );
      expect(await frame.locator('#kw-number').count()).toBe(0);
      await page.screenshot({ path: `${ARTIFACTS}/rearranged-signature-${db}.png` });
    } finally {
      await context.close();
    }
    expect((await chargesFor(gw.gateway.storage, order.orderId)).transactions).toHaveLength(0);
  });
});
