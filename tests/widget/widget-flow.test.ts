import { createHash } from 'node:crypto';
import type { Browser } from 'playwright-core';
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

const THREE_DS = '4012001037141112';
const DECLINED = '4444333322221111';
const PLAIN = '4111111111111111';

interface ProfileList {
  paymentProfiles: Array<{ id: string; isActive: number; maskedNumber: string; profile: string }>;
}

describe.skipIf(NO_BROWSER)('card widget in a real browser', () => {
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

  /** Registers a card for `cid` through the widget with the 3-D Secure card; returns the transaction id. */
  async function registerWith3ds(cid?: string, screenshot = false) {
    const m = gw.merchant;
    const order = widgetOrder(m, shop, cid ? { customerId: cid } : {});
    const url = shop.checkout(gw.url, '/checkout-register', {
      ...withSignature(m, order.signed),
      locale: 'en',
    });
    const { context, page } = await newPage(browser);
    const traffic = new TrafficRecorder(page, shop.origin);
    try {
      await page.goto(url);
      const frame = await widgetFrame(page);
      await frame.getByText('Your card will be saved').waitFor();
      await fillCard(frame, THREE_DS);
      expect(await frame.locator('#kw-number').inputValue()).toBe('4012 0010 3714 1112');
      expect(await frame.locator('#kw-brand').textContent()).toBe('VISA');
      if (screenshot) await page.screenshot({ path: `${ARTIFACTS}/form-desktop.png` });
      await frame.locator('#kw-pay').click();
      // The 3-D Secure challenge runs inside the widget's iframe.
      await frame.waitForURL(/\/3ds\//);
      await frame.getByRole('button', { name: 'Authenticate' }).click();
      await page.waitForURL(`${shop.origin}/success`);
      await page.locator('#landed').waitFor();
      const recorded = await traffic.all();
      return { order, recorded };
    } finally {
      await context.close();
    }
  }

  it('the 3-D Secure page opens inside the widget for the shop that opened it, and no other page can frame it', async () => {
    const m = gw.merchant;
    const order = widgetOrder(m, shop);
    const url = shop.checkout(gw.url, '/checkout-framing', {
      ...withSignature(m, order.signed),
      locale: 'en',
    });
    const { context, page } = await newPage(browser);
    try {
      const challenge = page.waitForResponse((r) => /\/3ds\//.test(r.url()));
      await page.goto(url);
      const frame = await widgetFrame(page);
      await fillCard(frame, THREE_DS);
      await frame.locator('#kw-pay').click();
      const csp = (await challenge).headers()['content-security-policy'];
      // Exactly the shop page's origin: frame-ancestors checks the shop's page too, so 'self' would not do.
      expect(csp).toContain(`frame-ancestors ${shop.origin};`);
      await frame.getByRole('button', { name: 'Authenticate' }).waitFor();
      const challengeUrl = frame.url();

      // A page elsewhere framing the same challenge (it was frame-ancestors *: one click on a disguised button).
      const other = new ShopServer();
      await other.start();
      try {
        other.csp = `frame-src ${gw.url}`;
        const evil = other.publish(
          '/evil',
          `<!doctype html><title>Win a prize</title><iframe id="x" src="${challengeUrl}"></iframe>`,
        );
        const { context: c2, page: p2 } = await newPage(browser);
        try {
          const blocked = p2.waitForResponse((r) => r.url() === challengeUrl);
          await p2.goto(evil);
          // Still only the shop whose widget started this payment; the browser refuses everyone else.
          const framed = (await blocked).headers()['content-security-policy'];
          expect(framed).toContain(`frame-ancestors ${shop.origin};`);
          expect(framed).not.toContain(other.origin);
          const inner = await (await p2.waitForSelector('#x')).contentFrame();
          await p2.waitForLoadState('load');
          expect(await inner!.locator('button.pass').count()).toBe(0);
        } finally {
          await c2.close();
        }
      } finally {
        await other.close();
      }
    } finally {
      await context.close();
    }
    const [t] = (await transactionRows(gw, m.merchantId)).filter((r) => r.orderId === order.orderId);
    expect(t).toMatchObject({ status: 'pending', stage: 'challenge' });
  });

  it('registers a card with a 3-D Secure challenge and lands on the success URL; profile and notification exist', async () => {
    const { order, recorded } = await registerWith3ds(undefined, true);
    const m = gw.merchant;

    const profiles = await m.api.get<ProfileList>(`/profile/cid/${order.cid}`);
    expect(profiles.status).toBe(200);
    const [profile] = profiles.body.paymentProfiles;
    expect(profile).toMatchObject({ isActive: 1, maskedNumber: '****1112', profile: 'ONE_CLICK' });

    const [t] = (await transactionRows(gw, m.merchantId)).filter((r) => r.orderId === order.orderId);
    expect(t).toMatchObject({
      status: 'settled',
      source: 'web',
      paymentMethodCode: 'oneclick',
      amount: 1999,
    });

    const notes = await gw.gateway.storage.db
      .selectFrom('notifications')
      .selectAll()
      .where('transactionId', '=', t!.id)
      .execute();
    expect(notes).toHaveLength(1);
    const body = JSON.parse(notes[0]!.body) as {
      transaction: { status: string; source: string; paymentProfile: { id: string } };
      paymentProfile: { id: string; merchantCustomerId: string };
    };
    expect(body.transaction).toMatchObject({ status: 'settled', source: 'web' });
    expect(body.paymentProfile).toMatchObject({ id: profile!.id, merchantCustomerId: order.cid });
    expect(body.transaction.paymentProfile.id).toBe(profile!.id);
    expect(notes[0]!.url).toBe(`${shop.origin}/notify`);
    // …and it arrives at the shop, signed with the shop's key over the exact bytes.
    await gw.gateway.worker.tick();
    const delivered = shop.received.filter((r) => r.method === 'POST' && r.url === '/notify');
    const arrived = delivered.find((r) => r.body === notes[0]!.body);
    expect(arrived, 'the notification reached the shop').toBeDefined();
    const signature = createHash('sha256')
      .update(arrived!.body + m.serviceKey)
      .digest('hex');
    expect(arrived!.headers?.['x-imoje-signature']).toBe(
      `merchantid=${m.merchantId};serviceid=${m.serviceId};signature=${signature};alg=sha256`,
    );

    // The card number never touched the shop's page or server.
    expect(recorded).toContain('/widget/session');
    for (const form of panForms(THREE_DS)) expect(recorded).not.toContain(form);
    for (const r of shop.received) {
      for (const form of panForms(THREE_DS)) expect(`${r.url}\n${r.body}`).not.toContain(form);
    }
    // Nor the gateway's logs.
    expect(gw.logs.join('')).not.toContain(THREE_DS);
  });

  it('lets a returning payer pay with the saved card in one click', async () => {
    const m = gw.merchant;
    const first = await registerWith3ds();
    const order = widgetOrder(m, shop, { customerId: first.order.cid, amount: '4200' });
    const url = shop.checkout(gw.url, '/checkout-again', { ...withSignature(m, order.signed), locale: 'en' });
    const { context, page } = await newPage(browser);
    try {
      await page.goto(url);
      const frame = await widgetFrame(page);
      const saved = frame.locator('#kw-saved');
      await expect(saved.textContent()).resolves.toBe('Pay with the saved card VISA ****1112');
      // "Use another card" is still there, collapsed.
      await expect(frame.getByText('Use another card').isVisible()).resolves.toBe(true);
      await expect(frame.locator('#kw-number').isVisible()).resolves.toBe(false);
      await page.screenshot({ path: `${ARTIFACTS}/saved-card.png` });
      await saved.click();
      await page.waitForURL(`${shop.origin}/success`);
    } finally {
      await context.close();
    }
    const [t] = (await transactionRows(gw, m.merchantId)).filter((r) => r.orderId === order.orderId);
    expect(t).toMatchObject({ status: 'settled', source: 'web', amount: 4200, initiator: 'CIT' });
    const profiles = await m.api.get<ProfileList>(`/profile/cid/${order.cid}`);
    expect(t!.profileId).toBe(profiles.body.paymentProfiles[0]!.id);
  });

  it('keeps a declined payer in the form, whose "Return to the shop" goes to the failure URL; no profile', async () => {
    const m = gw.merchant;
    const order = widgetOrder(m, shop);
    const url = shop.checkout(gw.url, '/checkout-declined', {
      ...withSignature(m, order.signed),
      locale: 'en',
    });
    const { context, page } = await newPage(browser);
    try {
      await page.goto(url);
      const frame = await widgetFrame(page);
      await fillCard(frame, DECLINED);
      await frame.locator('#kw-pay').click();
      // Issue 14: a decline keeps the payer in the form; leaving is their choice.
      await frame.locator('#kw-back').click();
      await page.waitForURL(`${shop.origin}/failure`);
    } finally {
      await context.close();
    }
    const [t] = (await transactionRows(gw, m.merchantId)).filter((r) => r.orderId === order.orderId);
    expect(t).toMatchObject({ status: 'rejected', statusCode: 'CODE_05', source: 'web' });
    const profiles = await m.api.get<ProfileList>(`/profile/cid/${order.cid}`);
    expect(profiles.body.paymentProfiles ?? []).toHaveLength(0);
  });

  it('a failed 3-D Secure challenge comes back to the form with the reason; the failure URL is one click away', async () => {
    const m = gw.merchant;
    const order = widgetOrder(m, shop);
    const url = shop.checkout(gw.url, '/checkout-3ds-fail', {
      ...withSignature(m, order.signed),
      locale: 'en',
    });
    const { context, page } = await newPage(browser);
    try {
      await page.goto(url);
      const frame = await widgetFrame(page);
      await fillCard(frame, THREE_DS);
      await frame.locator('#kw-pay').click();
      await frame.waitForURL(/\/3ds\//);
      await frame.getByRole('button', { name: 'Fail' }).click();
      await expect(frame.locator('#kw-alert').textContent()).resolves.toBe(
        'The payment was not accepted: the 3-D Secure verification failed. Nothing was charged.',
      );
      await frame.locator('#kw-back').click();
      await page.waitForURL(`${shop.origin}/failure`);
    } finally {
      await context.close();
    }
    const [t] = (await transactionRows(gw, m.merchantId)).filter((r) => r.orderId === order.orderId);
    expect(t).toMatchObject({ status: 'rejected', statusCode: 'CODE_570' });
  });

  it('sends a cancelled widget to the cancel URL and charges nothing', async () => {
    const m = gw.merchant;
    const order = widgetOrder(m, shop);
    const url = shop.checkout(gw.url, '/checkout-cancel', {
      ...withSignature(m, order.signed),
      locale: 'en',
    });
    const { context, page } = await newPage(browser);
    // A shop page with Referrer-Policy: no-referrer works too.
    shop.referrerPolicy = 'no-referrer';
    try {
      await page.goto(url);
      const frame = await widgetFrame(page);
      await frame.locator('#kw-number').pressSequentially(PLAIN.slice(0, 6));
      await frame.getByRole('button', { name: 'Cancel' }).click();
      await page.waitForURL(`${shop.origin}/cancel`);
    } finally {
      shop.referrerPolicy = 'strict-origin-when-cross-origin';
      await context.close();
    }
    const rows = (await transactionRows(gw, m.merchantId)).filter((r) => r.orderId === order.orderId);
    expect(rows).toHaveLength(0);
  });

  it('refuses a tampered signature with a clear message and charges nothing', async () => {
    const m = await gw.newMerchant({ pci: false });
    const order = widgetOrder(m, shop);
    // Signed for 19.99, but the page says 0.01.
    const attrs = { ...withSignature(m, order.signed), amount: '1', locale: 'en' };
    const url = shop.checkout(gw.url, '/checkout-tampered', attrs);
    const { context, page } = await newPage(browser);
    try {
      await page.goto(url);
      const frame = await widgetFrame(page);
      const error = frame.locator('#kw-error');
      await expect(error.textContent()).resolves.toContain('invalid signature');
      await expect(error.textContent()).resolves.toContain('Nothing was charged');
      expect(await frame.locator('#kw-number').count()).toBe(0);
      await page.waitForFunction(() =>
        (window as unknown as { kartotekaEvents: Array<{ type: string }> }).kartotekaEvents.some(
          (e) => e.type === 'kartoteka:error',
        ),
      );
      const events = await page.evaluate(
        () =>
          (window as unknown as { kartotekaEvents: Array<{ type: string; code?: string }> }).kartotekaEvents,
      );
      expect(events.find((e) => e.type === 'kartoteka:error')).toMatchObject({ code: 'invalid_signature' });
      // A missing signature is refused the same way.
      const unsigned = { ...order.signed, locale: 'en' };
      await page.goto(shop.checkout(gw.url, '/checkout-unsigned', unsigned));
      const frame2 = await widgetFrame(page);
      await expect(frame2.locator('#kw-error').textContent()).resolves.toContain('invalid signature');
    } finally {
      await context.close();
    }
    expect(await transactionRows(gw, m.merchantId)).toHaveLength(0);
  });
});
