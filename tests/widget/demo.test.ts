import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { ARTIFACTS, fillCard, launchBrowser, newPage, widgetFrame, NO_BROWSER } from './support.js';

describe.skipIf(NO_BROWSER)('demo shop (sandbox)', () => {
  let gw: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    gw = await startGateway({ env: { KARTOTEKA_BOOTSTRAP: 'on' } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('signs for the sandbox shop and runs the whole flow, then offers the saved card', async () => {
    const sandbox = gw.gateway.sandbox!;
    expect(sandbox).toBeTruthy();
    // Where the shop's notifications go (nothing listens: the worker is off, so it stays pending).
    const hook = 'http://127.0.0.1:9/demo-hook';
    await gw.gateway.accounts.updateShop(sandbox.merchantId, sandbox.serviceId, { notificationUrl: hook });
    const { context, page } = await newPage(browser);
    try {
      await page.goto(`${gw.url}/demo?locale=en`);
      const script = page.locator('#imoje-widget__script');
      await expect(script.getAttribute('data-service-id')).resolves.toBe(sandbox.serviceId);
      // The page shows how it signed, never the service key itself.
      expect(await page.content()).not.toContain(sandbox.serviceKey);
      await page.screenshot({ path: `${ARTIFACTS}/demo.png`, fullPage: true });
      await page.locator('#demo-pay').click();
      const frame = await widgetFrame(page);
      await fillCard(frame, '4012001037141112');
      await frame.locator('#kw-pay').click();
      await frame.waitForURL(/\/3ds\//);
      await frame.getByRole('button', { name: 'Authenticate' }).click();
      await page.waitForURL(/\/demo\/done\?result=success/);
      // Issue 18 item 6: the result page shows the payment (card masked) and its notification.
      await expect(page.locator('#demo-status').textContent()).resolves.toMatch(/^settled/);
      await expect(page.locator('#demo-card').textContent()).resolves.toBe('****1112');
      const outcome = (await page.locator('#demo-outcome').textContent()) ?? '';
      expect(outcome).toContain('19.99');
      expect(outcome).not.toContain('4012001037141112');
      expect(await page.locator('#demo-outcome h3').textContent()).toBe('Notifications');
      const notification = page.locator('#demo-notifications li');
      await expect(notification.count()).resolves.toBe(1);
      await expect(notification.textContent()).resolves.toBe(`pending, 0 attempt(s) to ${hook}`);
      await page.screenshot({ path: `${ARTIFACTS}/demo-done.png`, fullPage: true });
      await page.locator('#demo-again').click();
      await page.locator('#demo-pay').click();
      const again = await widgetFrame(page);
      await again.locator('#kw-saved').click();
      await page.waitForURL(/\/demo\/done\?result=success/);
    } finally {
      await context.close();
    }
    const rows = await gw.gateway.storage.db
      .selectFrom('transactions')
      .select(['status', 'source', 'profileId'])
      .where('merchantId', '=', sandbox.merchantId)
      .execute();
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.status === 'settled' && r.source === 'web' && r.profileId)).toBe(true);
  });

  it('does not exist in production mode', async () => {
    const prod = await startGateway({
      env: { KARTOTEKA_MODE: 'production', KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'on' },
    });
    try {
      expect((await prod.http.get('/demo')).status).toBe(404);
      expect((await prod.http.get('/js/widget.min.js')).status).toBe(200);
    } finally {
      await prod.close();
    }
  });
});
