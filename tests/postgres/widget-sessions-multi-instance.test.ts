import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/admin/accounts.js';
import { systemClock } from '../../src/domain/clock.js';
import { signPaywall, type PaywallForm } from '../../src/paywall/signature.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/storage.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { freshPostgresDatabase, PG_URL } from '../support/databases.js';
import type { TestMerchant } from '../support/gateway.js';
import { Http } from '../support/http.js';
import { freePort, spawnCli, type Spawned } from '../support/process.js';
import { RoundRobinProxy, type Routed } from '../support/round-robin-proxy.js';
import {
  chargesFor,
  openSession,
  payWithNewCard,
  signedOrder,
  withSignatureOf,
} from '../widget/http-widget.js';
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

const THREE_DS = '4012001037141112';
const PLAIN = '4111111111111111';

/** The requests that act on a widget session (or open one): each must be served by whichever instance. */
const STATEFUL = (path: string) =>
  path.startsWith('/widget/session') || path.startsWith('/3ds/') || path === '/payment';

/** Consecutive session requests were served by different instances, and both instances served some. */
function expectAlternating(requests: Routed[]): void {
  expect(new Set(requests.map((r) => r.instance))).toEqual(new Set([0, 1]));
  for (let i = 1; i < requests.length; i++) expect(requests[i]!.instance).not.toBe(requests[i - 1]!.instance);
  for (const r of requests) expect(r.status).toBeLessThan(500);
}

/**
 * Issue 17, "Also" item 1: widget and paywall sessions live in the database, so two gateway processes on one
 * PostgreSQL database serve one payment's requests in any order, with no sticky routing.
 */
describe.skipIf(!PG_URL || NO_BROWSER)(
  'widget sessions on two gateway processes, no sticky routing (PostgreSQL)',
  () => {
    let drop: () => Promise<void>;
    let storage: Storage;
    const servers: Spawned[] = [];
    const urls: string[] = [];
    let merchant: TestMerchant;
    let dir: string;
    let shop: ShopServer;
    let proxy: RoundRobinProxy;
    let browser: Browser;

    beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);
    beforeAll(async () => {
      shop = new ShopServer();
      await shop.start();
      proxy = new RoundRobinProxy(STATEFUL);
      await proxy.start();
      const db = await freshPostgresDatabase();
      drop = db.drop;
      storage = await openStorage({ kind: 'postgres', url: db.url, poolSize: 4, statementTimeoutMs: 5000 });
      const accounts = new Accounts(storage, systemClock);
      const m = await accounts.createMerchant('Two instances, one widget session');
      const created = await accounts.createShop(m.id, {
        pciEnabled: false,
        notificationUrl: `${shop.origin}/notify`,
      });
      const { token } = await accounts.createToken(m.id);
      dir = mkdtempSync(join(tmpdir(), 'kartoteka-sessions-multi-'));
      for (let i = 0; i < 2; i++) {
        const port = await freePort();
        const server = spawnCli(['serve'], {
          KARTOTEKA_DATABASE_URL: db.url,
          KARTOTEKA_BOOTSTRAP: 'off',
          KARTOTEKA_LOG_LEVEL: 'warn',
          KARTOTEKA_MASTER_KEY_FILE: join(dir, 'master.key'),
          // The browser reaches both instances through the proxy: redirects and 3-D Secure URLs name it.
          KARTOTEKA_PUBLIC_URL: proxy.origin,
          KARTOTEKA_PORT: String(port),
          KARTOTEKA_DATA_DIR: join(dir, `instance-${i}`),
        });
        servers.push(server);
        await server.waitFor(/listening on/);
        urls.push(`http://127.0.0.1:${port}`);
      }
      proxy.targets = urls;
      merchant = {
        merchantId: m.id,
        serviceId: created.id,
        serviceKey: created.serviceKey,
        token,
        api: new Http(`${urls[0]}/v1/merchant/${m.id}`, { authorization: `Bearer ${token}` }),
      };
      browser = await launchBrowser();
    }, 90_000);
    afterAll(async () => {
      await browser?.close();
      for (const s of servers) {
        s.child.kill('SIGTERM');
        await s.exited;
      }
      await proxy?.close();
      await shop?.close();
      await storage?.close();
      await drop?.();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('a widget payment through 3-D Secure, each request on the other instance, settles once', async () => {
      const order = widgetOrder(merchant, shop);
      const url = shop.checkout(proxy.origin, '/checkout-alternating', {
        ...withSignature(merchant, order.signed),
        locale: 'en',
      });
      const from = proxy.routed.length;
      const { context, page } = await newPage(browser);
      try {
        await page.goto(url);
        const frame = await widgetFrame(page);
        await fillCard(frame, THREE_DS);
        await frame.locator('#kw-pay').click();
        await frame.waitForURL(/\/3ds\//);
        // The challenge opens inside the shop page although the step before it was served by the other instance.
        await frame.getByRole('button', { name: 'Authenticate' }).waitFor();
        await page.screenshot({ path: `${ARTIFACTS}/multi-instance-widget-challenge.png` });
        await frame.getByRole('button', { name: 'Authenticate' }).click();
        await page.waitForURL(`${shop.origin}/success`);
        await page.locator('#landed').waitFor();
        await page.screenshot({ path: `${ARTIFACTS}/multi-instance-widget-success.png` });
      } finally {
        await context.close();
      }
      const { transactions, charged } = await chargesFor(storage, order.orderId);
      expect(transactions).toHaveLength(1);
      expect(transactions[0]).toMatchObject({ status: 'settled', source: 'web' });
      expect(charged).toHaveLength(1);

      const steps = proxy.routed.slice(from).filter((r) => STATEFUL(r.path.split('?')[0]!));
      expectAlternating(steps);
      // Every step of the payment was among them: opening, form, pay, challenge page, its answer, result.
      const seen = steps.map(
        (r) => `${r.method} ${r.path.replace(/\/(widget\/session|3ds)\/[^/?]+/, '/$1/:id')}`,
      );
      for (const step of [
        'POST /widget/session',
        'GET /widget/session/:id',
        'POST /widget/session/:id/pay',
        'GET /3ds/:id',
        'POST /3ds/:id',
        'GET /widget/session/:id/result',
      ])
        expect(seen).toContain(step);
    });

    it("a paywall payment (imoje's signed form), each request on the other instance, settles once", async () => {
      const form: PaywallForm = {
        serviceId: merchant.serviceId,
        merchantId: merchant.merchantId,
        amount: '3100',
        currency: 'PLN',
        orderId: `pw-multi-${Date.now().toString(36)}`,
        customerFirstName: 'Jan',
        customerLastName: 'Kowalski',
        customerEmail: 'jan@example.com',
        orderDescription: 'Paywall order',
        urlSuccess: `${shop.origin}/success`,
        urlFailure: `${shop.origin}/failure`,
        urlReturn: `${shop.origin}/return`,
        locale: 'en',
      };
      const fields = {
        ...(form as Record<string, string>),
        signature: signPaywall(form, merchant.serviceKey),
      };
      const inputs = Object.entries(fields)
        .map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/"/g, '&quot;')}">`)
        .join('');
      const url = shop.publish(
        '/checkout-paywall-alternating',
        `<!doctype html><title>Checkout</title><form id="f" method="post" action="${proxy.origin}/payment">${inputs}<button id="go">Pay</button></form>`,
      );
      const from = proxy.routed.length;
      const { context, page } = await newPage(browser);
      try {
        await page.goto(url);
        await page.locator('#go').click();
        await page.waitForSelector('main.kw');
        await fillCard(page.mainFrame(), THREE_DS);
        await page.locator('#kw-pay').click();
        await page.waitForURL(/\/3ds\//);
        await page.getByRole('button', { name: 'Authenticate' }).click();
        await page.waitForURL(`${shop.origin}/success`);
        await page.screenshot({ path: `${ARTIFACTS}/multi-instance-paywall-success.png` });
      } finally {
        await context.close();
      }
      const { transactions, charged } = await chargesFor(storage, form.orderId!);
      expect(transactions).toHaveLength(1);
      expect(transactions[0]).toMatchObject({ status: 'settled', amount: 3100 });
      expect(charged).toHaveLength(1);

      const steps = proxy.routed.slice(from).filter((r) => STATEFUL(r.path.split('?')[0]!));
      expectAlternating(steps);
      const seen = steps.map(
        (r) => `${r.method} ${r.path.replace(/\/(widget\/session|3ds)\/[^/?]+/, '/$1/:id')}`,
      );
      for (const step of [
        'POST /payment',
        'GET /widget/session/:id',
        'POST /widget/session/:id/pay',
        'GET /3ds/:id',
        'POST /3ds/:id',
        'GET /widget/session/:id/result',
      ])
        expect(seen).toContain(step);
    });

    it('two card payments posted to one opening on both instances at once: one starts, the other lands on its result', async () => {
      const signed = signedOrder(merchant);
      const session = await openSession(urls[0]!, withSignatureOf(merchant, signed));
      const answers = await Promise.all([
        payWithNewCard(urls[0]!, session, PLAIN),
        payWithNewCard(urls[1]!, session, PLAIN),
      ]);
      // Both are sent to the result page: the winner after paying, the other at once (the session was paying).
      for (const a of answers) {
        expect(a.status).toBe(303);
        expect(a.location).toMatch(new RegExp(`/widget/session/${session}/result$`));
      }
      const { transactions, charged } = await chargesFor(storage, signed.orderId!);
      expect(transactions).toHaveLength(1);
      expect(transactions[0]).toMatchObject({ status: 'settled' });
      expect(charged).toHaveLength(1);
    });
  },
);
