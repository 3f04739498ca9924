import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { Receiver } from '../notifications/receiver.js';
import { launchBrowser, NO_BROWSER } from '../widget/support.js';
import { drainNotifications, registerWithChallengeAndDebit, TEST_PANS, type Scenario } from './support.js';

const SHOTS = 'test-results/dashboard';
mkdirSync(SHOTS, { recursive: true });

/** Issue 18 item 1 in Chromium: sign-in, search, the timeline, Resend, the phone layout, keyboard use. */
describe.skipIf(NO_BROWSER)('dashboard in Chromium', () => {
  let gw: TestGateway;
  let receiver: Receiver;
  let browser: Browser;
  let s: Scenario;

  beforeAll(async () => {
    receiver = await Receiver.start();
    gw = await startGateway({
      shop: { notificationUrl: receiver.url() },
      env: { KARTOTEKA_BOOTSTRAP: 'on' },
    });
    s = await registerWithChallengeAndDebit(gw.merchant);
    await drainNotifications(gw);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await receiver?.close();
  });

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${gw.url}/dashboard`);
    await page.getByLabel('Merchant API token').fill(token);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  it('refuses a bad token, signs in with a good one, and the sandbox button signs in too', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signIn(page, 'definitely-not-a-token');
      await expect(page.getByRole('alert').textContent()).resolves.toContain(
        'not a valid merchant API token',
      );
      expect(await page.getByLabel('Merchant API token').getAttribute('aria-invalid')).toBe('true');
      await signIn(page, gw.merchant.token);
      await page.waitForURL(/\/dashboard\/overview$/);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Overview');
      // The chart has its text alternative: the table carries today's sales.
      await expect(page.locator('#volume-table').textContent()).resolves.toContain(
        new Date().toISOString().slice(0, 10),
      );
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/sign-in$/);
      await page.getByRole('button', { name: 'Sign in as the sandbox merchant' }).click();
      await page.waitForURL(/\/dashboard\/overview$/);
      await expect(page.locator('header').textContent()).resolves.toContain(gw.gateway.sandbox!.merchantId);
    } finally {
      await context.close();
    }
  });

  it('search by cid, open the registration: its whole timeline; Resend delivers again', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signIn(page, gw.merchant.token);
      await page.waitForURL(/overview$/);
      await page.getByRole('link', { name: 'Transactions' }).click();
      await page.getByLabel('Customer id (cid)').fill(s.cid);
      await page.getByLabel('Status').selectOption('settled');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(/cid=/);
      const rows = page.locator('table tbody tr');
      expect(await rows.count()).toBe(2);
      await page.locator(`a[href="/dashboard/transactions/${s.registrationId}"]`).click();
      await page.waitForURL(new RegExp(s.registrationId));
      const timeline = (await page.locator('ol.timeline').textContent())!;
      const order = [
        'Created: sale',
        '3-D Secure: challenge requested',
        '3-D Secure: challenge passed',
        'Status settled after authorization',
        'Notification attempt: HTTP 200',
      ];
      let at = -1;
      for (const step of order) {
        const i = timeline.indexOf(step);
        expect(i, step).toBeGreaterThan(at);
        at = i;
      }
      const before = receiver.received.length;
      await page.getByRole('button', { name: 'Resend notification 1' }).click();
      await page.waitForURL(/resent=1/);
      await expect(page.getByRole('status').textContent()).resolves.toContain('queued to be sent again');
      await drainNotifications(gw);
      expect(receiver.received.length).toBe(before + 1);
      const resent = receiver.received[receiver.received.length - 1]!;
      expect(resent.body.toString()).toContain(s.registrationId);
      await page.reload();
      expect(await page.locator('td[data-label="HTTP status"]').count()).toBe(2);
      const html = await page.content();
      for (const pan of TEST_PANS) expect(html).not.toContain(pan);
    } finally {
      await context.close();
    }
  });

  it('at 375 px: nothing wider than the screen, landmarks, labels, visible keyboard focus; screenshots saved', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
    try {
      const page = await context.newPage();
      await signIn(page, gw.merchant.token);
      await page.waitForURL(/overview$/);
      for (const [name, path] of [
        ['overview', '/dashboard/overview'],
        ['transactions', '/dashboard/transactions'],
        ['transaction', `/dashboard/transactions/${s.registrationId}`],
        ['profiles', `/dashboard/profiles?cid=${encodeURIComponent(s.cid)}`],
        ['requests', '/dashboard/requests'],
        ['schedules', '/dashboard/schedules'],
        ['test-clock', '/dashboard/test-clock'],
        ['inbox', '/dashboard/inbox'],
      ] as const) {
        await page.goto(gw.url + path);
        const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
        expect(fits, `${name} fits 375 px`).toBe(true);
        expect(await page.getByRole('main').count()).toBe(1);
        expect(await page.getByRole('navigation').count()).toBe(1);
        const unlabelled = await page.evaluate(
          () =>
            Array.from(document.querySelectorAll('input:not([type=hidden]), select')).filter(
              (el) => !(el.id && document.querySelector(`label[for="${el.id}"]`)),
            ).length,
        );
        expect(unlabelled, `${name}: every field has a label`).toBe(0);
        await page.screenshot({ path: `${SHOTS}/${name}-375.png`, fullPage: true });
        const html = await page.content();
        for (const pan of TEST_PANS) expect(html, name).not.toContain(pan);
      }
      // Keyboard: the first Tab lands on the skip link, and focus is drawn.
      await page.goto(`${gw.url}/dashboard/transactions`);
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to content');
      await page.keyboard.press('Tab');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
      expect(outline).toBe('solid');
      await page.screenshot({ path: `${SHOTS}/focus-375.png` });
    } finally {
      await context.close();
    }
  });
});
