import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { signWidget } from '../../src/widget/signature.js';
import type { TestGateway, TestMerchant } from '../support/gateway.js';
import { FUTURE_YEAR, uniqueCid } from '../support/payloads.js';

export const ARTIFACTS = 'test-results/widget';
mkdirSync(ARTIFACTS, { recursive: true });

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Browser tests need Debian's Chromium (`apt-get install chromium`; .ci/run installs it). Without it they are
 * skipped with this reason on a developer machine, but never in CI, where a missing browser is a failure.
 */
export const NO_BROWSER = !existsSync(CHROMIUM) && !process.env.CI;
if (NO_BROWSER)
  console.warn(`widget browser tests did not run: ${CHROMIUM} is missing (apt-get install chromium)`);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 20_000,
  });
}

export interface RecordedRequest {
  url: string;
  method: string;
  body: string;
  headers?: IncomingMessage['headers'];
}

/**
 * A shop on its own loopback origin: it serves pages embedding the widget (with attributes signed here, as a
 * shop's backend would) and the success/failure/cancel pages, and remembers every request it received.
 */
export class ShopServer {
  readonly received: RecordedRequest[] = [];
  private readonly pages = new Map<string, string>();
  private server: Server | undefined;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const url = req.url ?? '/';
      this.received.push({ url, method: req.method ?? 'GET', body, headers: req.headers });
      const path = url.split('?')[0]!;
      if (path === '/shop.js') {
        // The shop's own script: records the widget's events (checking their origin, as docs/widget.md says).
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(
          `window.kartotekaEvents=[];window.addEventListener('message',function(e){` +
            `if(e.origin!==document.getElementById('imoje-widget__script').src.split('/js/')[0])return;` +
            `window.kartotekaEvents.push(e.data);});`,
        );
        return;
      }
      const page = this.pages.get(path);
      if (page) {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': this.csp,
        });
        res.end(page);
        return;
      }
      if (path === '/notify' && req.method === 'POST') {
        // The shop's notification endpoint, acknowledging as imoje documents.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"ok"}');
        return;
      }
      if (['/success', '/failure', '/cancel', '/return'].includes(path)) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><title>${path}</title><h1 id="landed">${path.slice(1)}</h1>`);
        return;
      }
      res.writeHead(404).end();
    });
  }

  csp = '';
  /** The checkout page's Referrer-Policy. */
  referrerPolicy = 'strict-origin-when-cross-origin';

  /** Publishes any page on the shop's origin (served under `csp`); returns its URL. */
  publish(path: string, html: string): string {
    this.pages.set(path, html);
    return this.origin + path;
  }

  /** Publishes a checkout page embedding the widget; returns its URL. */
  checkout(gatewayUrl: string, path: string, attributes: Record<string, string>): string {
    const attrs = Object.entries(attributes)
      .map(
        ([k, v]) =>
          `data-${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}="${v.replace(/"/g, '&quot;')}"`,
      )
      .join(' ');
    // The shop page itself runs under a strict CSP: the widget must work with script/frame/form allowances only.
    this.csp = `default-src 'self'; script-src 'self' ${gatewayUrl}; frame-src ${gatewayUrl}; form-action 'self' ${gatewayUrl}`;
    this.pages.set(
      path,
      `<!doctype html><html><head><meta charset="utf-8"><title>Checkout</title>
<script src="/shop.js"></script></head><body><h1>Checkout</h1>
<button id="pay" type="button">Pay</button><div id="imoje-widget__wrapper"></div>
<script id="imoje-widget__script" src="${gatewayUrl}/js/widget.min.js" ${attrs}></script>
</body></html>`,
    );
    return this.origin + path;
  }
}

export interface WidgetOrder {
  signed: Record<string, string>;
  cid: string;
  orderId: string;
}

let orderCounter = 0;

/** Signed widget attributes for a merchant's shop, with the shop server's return URLs. */
export function widgetOrder(
  merchant: TestMerchant,
  shop: ShopServer,
  overrides: Record<string, string | null> = {},
): WidgetOrder {
  const cid = overrides.customerId ?? uniqueCid();
  const orderId = `w-${Date.now().toString(36)}-${++orderCounter}`;
  const signed: Record<string, string> = {
    merchantId: merchant.merchantId,
    serviceId: merchant.serviceId,
    amount: '1999',
    currency: 'PLN',
    orderId,
    customerId: cid,
    customerFirstName: 'Jan',
    customerLastName: 'Kowalski',
    customerEmail: 'jan@example.com',
    orderDescription: 'Widget order',
    urlSuccess: `${shop.origin}/success`,
    urlFailure: `${shop.origin}/failure`,
    urlCancel: `${shop.origin}/cancel`,
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete signed[k];
    else signed[k] = v;
  }
  return { signed, cid, orderId: signed.orderId! };
}

export function withSignature(
  merchant: TestMerchant,
  signed: Record<string, string>,
): Record<string, string> {
  return { ...signed, signature: signWidget(signed, merchant.serviceKey) };
}

/**
 * Everything the shop's page sent or received: requests its main frame made (to any origin) and every request
 * or response on the shop's origin. Frames on the gateway's origin are left out — they carry the card.
 */
export class TrafficRecorder {
  readonly entries: string[] = [];
  private pending: Array<Promise<void>> = [];

  constructor(page: Page, shopOrigin: string) {
    const fromShop = (frame: Frame | null, url: string) =>
      url.startsWith(shopOrigin) || (frame !== null && frame === page.mainFrame());
    page.on('request', (request) => {
      let frame: Frame | null = null;
      try {
        frame = request.frame();
      } catch {
        frame = null;
      }
      this.pending.push(
        request
          .allHeaders()
          .catch(() => request.headers())
          .then((headers) => {
            // The widget's form POST is a navigation of the iframe, but the shop page makes it: its Origin
            // (or Referer) is the shop's.
            const initiatedByShop =
              headers.origin === shopOrigin || (headers.referer ?? '').startsWith(shopOrigin + '/');
            if (!fromShop(frame, request.url()) && !initiatedByShop) return;
            this.entries.push(
              `${request.method()} ${request.url()}\n${JSON.stringify(headers)}\n${request.postData() ?? ''}`,
            );
          }),
      );
    });
    page.on('response', (response) => {
      if (!response.url().startsWith(shopOrigin)) return;
      this.pending.push(
        response
          .text()
          .then((text) => {
            this.entries.push(`RESPONSE ${response.url()}\n${JSON.stringify(response.headers())}\n${text}`);
          })
          .catch(() => undefined),
      );
    });
  }

  async all(): Promise<string> {
    await Promise.all(this.pending);
    return this.entries.join('\n');
  }
}

/** The card number as typed and as the form shows it, for searching recorded traffic. */
export function panForms(pan: string): string[] {
  return [pan, pan.replace(/(\d{4})(?=\d)/g, '$1 '), pan.replace(/(\d{4})(?=\d)/g, '$1+'), pan.slice(0, 12)];
}

export async function newPage(
  browser: Browser,
  width = 1280,
  height = 900,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.setDefaultNavigationTimeout(10_000);
  return { context, page };
}

/** The widget's iframe, once the gateway has answered the signed attributes. */
export async function widgetFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('#imoje-widget__frame');
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('widget iframe has no frame');
  await frame.waitForSelector('main.kw');
  return frame;
}

export async function fillCard(
  frame: Frame,
  pan: string,
  expiry = `12/${FUTURE_YEAR.slice(2)}`,
  cvv = '123',
): Promise<void> {
  await frame.locator('#kw-number').pressSequentially(pan);
  await frame.locator('#kw-expiry').pressSequentially(expiry.replace('/', ''));
  await frame.locator('#kw-cvv').pressSequentially(cvv);
}

export async function transactionRows(gw: TestGateway, merchantId: string) {
  return gw.gateway.storage.db
    .selectFrom('transactions')
    .selectAll()
    .where('merchantId', '=', merchantId)
    .execute();
}
