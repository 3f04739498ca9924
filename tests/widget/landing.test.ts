import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { launchBrowser, NO_BROWSER } from './support.js';

const SHOTS = 'test-results/landing';
mkdirSync(SHOTS, { recursive: true });

/** Issue 18 item 6: `/` was a 404; a newcomer opening the gateway in a browser found nothing. */
for (const db of DB_KINDS) {
  describe(`landing page at / (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db, env: { KARTOTEKA_BOOTSTRAP: 'on' } });
    });
    afterAll(() => gw?.close());

    it('sandbox: the credentials and the links, as HTML or JSON', async () => {
      const sandbox = gw.gateway.sandbox!;
      const res = await gw.http.get('/', { accept: 'text/html' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      for (const value of Object.values(sandbox)) expect(res.text).toContain(value);
      for (const href of ['/demo', '/docs', '/health/ready']) expect(res.text).toContain(`href="${href}"`);
      expect(res.text).toMatch(/<h1>Kartoteka <small>\d+\.\d+\.\d+<\/small><\/h1>/);
      const json = await gw.http.get<{ version: string; sandbox: Record<string, string> }>('/', {
        accept: 'application/json',
      });
      expect(json.body.sandbox).toMatchObject({ ...sandbox, apiBaseUrl: `${gw.url}/v1/merchant` });
    });

    it('production: name, version and links, no credentials and no demo link', async () => {
      const prod = await startGateway({
        db,
        env: { KARTOTEKA_MODE: 'production', KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'on' },
      });
      try {
        const res = await prod.http.get('/');
        expect(res.status).toBe(200);
        expect(res.text).toContain('production mode');
        expect(res.text).not.toContain('Sandbox credentials');
        expect(res.text).not.toContain(prod.merchant.token);
        expect(res.text).not.toContain('href="/demo"');
        expect(res.text).toContain('href="/docs"');
      } finally {
        await prod.close();
      }
    });

    it('/docs carries Kartoteka’s name and version', async () => {
      const docs = await gw.http.get('/docs');
      expect(docs.text).toMatch(/<title>Kartoteka \d+\.\d+\.\d+ — API reference<\/title>/);
      const spec = await gw.http.get<{ info: { summary: string } }>('/openapi.json');
      expect(spec.body.info.summary).toMatch(/^Kartoteka \d+\.\d+\.\d+: /);
    });
  });
}

describe.skipIf(NO_BROWSER)('landing page in Chromium at 375 px', () => {
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

  it('is readable on a phone: landmarks, headings, nothing wider than the screen', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
    try {
      const page = await context.newPage();
      await page.goto(`${gw.url}/`);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/^Kartoteka/);
      expect(await page.getByRole('main').count()).toBe(1);
      expect(await page.getByRole('navigation').count()).toBe(1);
      await expect(page.getByRole('heading', { name: 'Sandbox credentials' }).count()).resolves.toBe(1);
      const token = await page.locator('#token').textContent();
      expect(token).toBe(gw.gateway.sandbox!.token);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(375);
      await page.screenshot({ path: `${SHOTS}/landing-375.png`, fullPage: true });
      await page.getByRole('link', { name: 'API reference' }).click();
      await page.waitForURL(/\/docs/);
    } finally {
      await context.close();
    }
  });
});
