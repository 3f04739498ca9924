import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedSignatureHeader, Receiver } from '../notifications/receiver.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { chargesFor } from '../widget/http-widget.js';
import { fillCard, launchBrowser, newPage, NO_BROWSER, ShopServer } from '../widget/support.js';
import { ARTIFACTS } from './support.js';
import { createLink, oneclickCustomer, type LinkView } from './links.js';

const THREE_DS = '4012001037141112';
const DECLINED = '4444333322221111';
const PLAIN = '4111111111111111';

interface ProfileList {
  paymentProfiles: Array<{ id: string; isActive: number; maskedNumber: string; profile: string }>;
}

describe.skipIf(NO_BROWSER)('payment links on the hosted paywall, in Chromium', () => {
  let gw: TestGateway;
  let shop: ShopServer;
  let receiver: Receiver;
  let browser: Browser;

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

  /** Opens the link's url as the payer would (top level, no shop page around it). */
  async function openLink(link: LinkView, run: (page: Page) => Promise<void>) {
    const { context, page } = await newPage(browser);
    try {
      await page.goto(`${link.url}?locale=en`);
      await page.waitForSelector('main.kw');
      await run(page);
    } finally {
      await context.close();
    }
  }

  const pay = async (page: Page, pan: string) => {
    await fillCard(page.mainFrame(), pan);
    await page.locator('#kw-pay').click();
  };

  it('pays a link with a frictionless card and comes back to the success URL; the link is paid', async () => {
    const m = gw.merchant;
    const link = await createLink(m, shop.origin, { notificationUrl: receiver.url('/link-notify') });
    await openLink(link, async (page) => {
      expect(await page.locator('#kw-amount').textContent()).toContain('25.99');
      await page.screenshot({ path: `${ARTIFACTS}/link-form.png` });
      await pay(page, PLAIN);
      await page.waitForURL(`${shop.origin}/success`);
    });
    const read = await m.api.get<{ payment: LinkView }>(`/payment/${link.id}`);
    expect(read.body.payment.status).toBe('paid');
    const { transactions, charged } = await chargesFor(gw.gateway.storage, link.orderId);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]).toMatchObject({ status: 'settled', paymentMethodCode: 'ecom3ds', source: 'web' });
    expect(charged).toHaveLength(1);

    // The notification goes to the link's notificationUrl, signed with the shop's key over the exact bytes.
    await gw.gateway.worker.tick();
    await receiver.waitFor(1);
    const note = receiver.received.find((r) => r.path === '/link-notify')!;
    expect(note).toBeDefined();
    expect(JSON.parse(note.body.toString('utf8'))).toMatchObject({
      transaction: { id: transactions[0]!.id, orderId: link.orderId, status: 'settled' },
    });
    expect(note.headers['x-imoje-signature']).toBe(
      expectedSignatureHeader(note.body, m.merchantId, m.serviceId, m.serviceKey),
    );
  });

  it('pays a link with a 3-D Secure challenge card', async () => {
    const link = await createLink(gw.merchant, shop.origin);
    await openLink(link, async (page) => {
      await pay(page, THREE_DS);
      await page.waitForURL(/\/3ds\//);
      await page.screenshot({ path: `${ARTIFACTS}/link-3ds.png` });
      await page.getByRole('button', { name: 'Authenticate' }).click();
      await page.waitForURL(`${shop.origin}/success`);
    });
    const { transactions, charged } = await chargesFor(gw.gateway.storage, link.orderId);
    expect(transactions.map((t) => t.status)).toEqual(['settled']);
    expect(charged).toHaveLength(1);
  });

  it('a declined card and a failed challenge keep the payer in the form, whose "Return to the shop" goes to the failure URL; the link stays payable', async () => {
    const link = await createLink(gw.merchant, shop.origin);
    await openLink(link, async (page) => {
      await pay(page, DECLINED);
      // As in the widget: the reason, "Try another card", and a way back to the shop's failure URL.
      await page.locator('#kw-retry').waitFor();
      await expect(page.locator('#kw-back').getAttribute('href')).resolves.toBe(`${shop.origin}/failure`);
      await page.locator('#kw-back').click();
      await page.waitForURL(`${shop.origin}/failure`);
    });
    await openLink(link, async (page) => {
      await pay(page, THREE_DS);
      await page.waitForURL(/\/3ds\//);
      await page.getByRole('button', { name: 'Fail' }).click();
      await page.locator('#kw-back').click();
      await page.waitForURL(`${shop.origin}/failure`);
    });
    const read = await gw.merchant.api.get<{ payment: LinkView }>(`/payment/${link.id}`);
    expect(read.body.payment.status).toBe('open');
    const { charged } = await chargesFor(gw.gateway.storage, link.orderId);
    expect(charged).toHaveLength(0);
    // …and then it can still be paid.
    await openLink(link, async (page) => {
      await pay(page, PLAIN);
      await page.waitForURL(`${shop.origin}/success`);
    });
    expect((await chargesFor(gw.gateway.storage, link.orderId)).charged).toHaveLength(1);
  });

  it('a oneclick link with a cid creates the profile; a second link for the same cid offers the saved card', async () => {
    const m = gw.merchant;
    const customer = oneclickCustomer();
    const first = await createLink(m, shop.origin, { preselectMethodCode: 'oneclick', customer });
    await openLink(first, async (page) => {
      await page.getByText('Your card will be saved').waitFor();
      await pay(page, THREE_DS);
      await page.waitForURL(/\/3ds\//);
      await page.getByRole('button', { name: 'Authenticate' }).click();
      await page.waitForURL(`${shop.origin}/success`);
    });
    const profiles = await m.api.get<ProfileList>(`/profile/cid/${customer.cid}`);
    expect(profiles.body.paymentProfiles).toHaveLength(1);
    expect(profiles.body.paymentProfiles[0]).toMatchObject({
      isActive: 1,
      profile: 'ONE_CLICK',
      maskedNumber: '****1112',
    });

    const second = await createLink(m, shop.origin, {
      preselectMethodCode: 'oneclick',
      customer,
      amount: 4100,
    });
    await openLink(second, async (page) => {
      const saved = page.locator('#kw-saved');
      expect(await saved.textContent()).toContain('****1112');
      await page.screenshot({ path: `${ARTIFACTS}/link-saved-card.png` });
      await saved.click();
      await page.waitForURL(`${shop.origin}/success`);
    });
    const { transactions, charged } = await chargesFor(gw.gateway.storage, second.orderId);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]).toMatchObject({
      status: 'settled',
      amount: 4100,
      profileId: profiles.body.paymentProfiles[0]!.id,
    });
    expect(charged).toHaveLength(1);
  });

  it('a recurring link with a cid registers a RECURRING profile', async () => {
    const m = gw.merchant;
    const customer = oneclickCustomer();
    const link = await createLink(m, shop.origin, { preselectMethodCode: 'recurring', customer });
    await openLink(link, async (page) => {
      await page.getByText('recurring payments').waitFor();
      await pay(page, PLAIN);
      await page.waitForURL(`${shop.origin}/success`);
    });
    const profiles = await m.api.get<ProfileList>(`/profile/cid/${customer.cid}`);
    expect(profiles.body.paymentProfiles[0]).toMatchObject({ isActive: 1, profile: 'RECURRING' });
  });

  it('paid, cancelled and expired links show why and charge nothing, in the browser', async () => {
    const m = gw.merchant;
    const paid = await createLink(m, shop.origin);
    await openLink(paid, async (page) => {
      await pay(page, PLAIN);
      await page.waitForURL(`${shop.origin}/success`);
    });
    const cancelled = await createLink(m, shop.origin);
    await m.api.post('/payment/cancel', { serviceId: m.serviceId, paymentId: cancelled.id });
    const expired = await createLink(m, shop.origin, { validTo: Math.floor(Date.now() / 1000) - 1 });
    for (const [link, code] of [
      [paid, 'already_paid'],
      [cancelled, 'link_cancelled'],
      [expired, 'expired'],
    ] as const) {
      await openLink(link, async (page) => {
        expect(await page.locator('#kw-error').getAttribute('data-code')).toBe(code);
        expect(await page.locator('#kw-number').count()).toBe(0);
        await page.screenshot({ path: `${ARTIFACTS}/link-${code}.png` });
      });
    }
    expect((await chargesFor(gw.gateway.storage, paid.orderId)).charged).toHaveLength(1);
    expect((await chargesFor(gw.gateway.storage, cancelled.orderId)).transactions).toHaveLength(0);
    expect((await chargesFor(gw.gateway.storage, expired.orderId)).transactions).toHaveLength(0);
  });
});
