import type { Browser, Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/domain/money.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import {
  ARTIFACTS,
  fillCard,
  launchBrowser,
  newPage,
  NO_BROWSER,
  ShopServer,
  transactionRows,
  widgetFrame,
  widgetOrder,
  withSignature,
} from './support.js';

const THREE_DS = '4012001037141112';
const AGREEMENT = {
  agreementAmount: '4900',
  agreementIntervalUnit: 'month',
  agreementExpiresAt: '2030-12-01',
};

/** WCAG contrast ratio of an element's text against the nearest opaque background behind it. */
async function contrastOf(frame: Frame, selector: string): Promise<number> {
  return frame.locator(selector).evaluate((el) => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    let bg: number[] = [255, 255, 255];
    for (let n: Element | null = el; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) {
        bg = c.slice(0, 3);
        break;
      }
    }
    const fg = lum(rgb(getComputedStyle(el).color));
    const back = lum(bg);
    return (Math.max(fg, back) + 0.05) / (Math.min(fg, back) + 0.05);
  });
}

describe.skipIf(NO_BROWSER)('the recurring agreement as the payer sees it, in Chromium', () => {
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

  for (const [locale, width] of [
    ['en', 375],
    ['pl', 375],
    ['en', 1280],
  ] as const) {
    it(`the card form (${locale}, ${width} px) and the 3-D Secure page state the terms, readable and labelled`, async () => {
      const m = gw.merchant;
      const order = widgetOrder(m, shop, { widgetType: 'recurring', amount: '4900', ...AGREEMENT });
      const { context, page } = await newPage(browser, width, 800);
      try {
        await page.goto(
          shop.checkout(gw.url, `/agreement-${locale}-${width}`, {
            ...withSignature(m, order.signed),
            locale,
          }),
        );
        const frame = await widgetFrame(page);
        const terms =
          locale === 'en'
            ? `${formatMoney(4900, 'PLN', 'en')} every month until 2030-12-01`
            : `${formatMoney(4900, 'PLN', 'pl')} co miesiąc do 2030-12-01`;
        const dd = frame.locator('#kw-agreement');
        await expect(dd.isVisible()).resolves.toBe(true);
        await expect(dd.textContent()).resolves.toBe(terms);
        // A term and its description: the label is the <dt> right before it.
        await expect(
          dd.evaluate(
            (el) => el.previousElementSibling?.tagName + ':' + el.previousElementSibling?.textContent,
          ),
        ).resolves.toBe(`DT:${locale === 'en' ? 'Recurring payments' : 'Płatności cykliczne'}`);
        expect(await contrastOf(frame, '#kw-agreement')).toBeGreaterThanOrEqual(4.5);
        expect(await contrastOf(frame, '.kw-note')).toBeGreaterThanOrEqual(4.5);
        await expect(frame.locator('.kw-note').textContent()).resolves.toContain(
          locale === 'en' ? 'on these terms' : 'na tych warunkach',
        );
        const fits = await frame.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
        expect(fits).toBe(true);
        await page.screenshot({ path: `${ARTIFACTS}/agreement-form-${width}-${locale}.png` });

        // Keyboard only: the card fields and Pay are reached with Tab, the terms add no stop in between.
        await frame.locator('#kw-number').focus();
        await fillCard(frame, THREE_DS);
        await frame.locator('#kw-holder').focus();
        await page.keyboard.press('Tab');
        await expect(frame.evaluate(() => document.activeElement?.id)).resolves.toBe('kw-pay');
        await page.keyboard.press('Enter');
        await frame.waitForURL(/\/3ds\//);
        const challenge = frame.locator('#agreement');
        await expect(challenge.textContent()).resolves.toBe(
          `${formatMoney(4900, 'PLN', 'en')} every month until 2030-12-01`,
        );
        expect(await contrastOf(frame, '#agreement')).toBeGreaterThanOrEqual(4.5);
        expect(await contrastOf(frame, '#agreement-note')).toBeGreaterThanOrEqual(4.5);
        await page.screenshot({ path: `${ARTIFACTS}/agreement-3ds-${width}-${locale}.png` });
        await frame.locator('button.pass').click();
        await page.waitForURL(/\/success$/);
        const [row] = (await transactionRows(gw, m.merchantId)).filter((r) => r.orderId === order.orderId);
        expect(row).toMatchObject({ status: 'settled', paymentMethodCode: 'recurring' });
        const [entry] = (await gw.ledger.list()).filter((e) => e.reference === row!.id);
        expect(JSON.parse(entry!.recurring!)).toMatchObject({ frequencyDays: 28, expiry: '20301201' });
      } finally {
        await context.close();
      }
    });
  }
});
