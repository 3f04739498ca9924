import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { createLink, open } from '../paywall/links.js';
import { openSession, payWithNewCard, signedOrder, withSignatureOf } from './http-widget.js';

/**
 * A widget session is a bearer URL, and whoever opens it chooses its customer (`data-customer-id`). Sent to
 * somebody else as a link, the gateway's own form would save that person's card to the opener's customer, who
 * then pays with it in one click. The widget's form lives only in the shop page's iframe, so a browser that
 * says it loads the form as a whole page (`Sec-Fetch-Dest: document`) is refused; the paywall's sessions are
 * whole pages by design and stay so.
 */
describe('a widget session is not shown as a whole page', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({});
  });
  afterAll(async () => gw?.close());

  const get = (path: string, dest?: string) =>
    fetch(`${gw.url}${path}`, { headers: dest ? { 'sec-fetch-dest': dest } : {}, redirect: 'manual' });

  it('opened top-level it is refused and nothing is charged; in its iframe the same session still works', async () => {
    const order = signedOrder(gw.merchant, { widgetType: 'oneclick' });
    const session = await openSession(gw.url, withSignatureOf(gw.merchant, order));

    const topLevel = await get(`/widget/session/${session}`, 'document');
    expect(topLevel.status).toBe(403);
    expect(topLevel.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await topLevel.text();
    expect(html).toContain('data-code="framed_only"');
    expect(html).not.toContain('name="number"');

    const framed = await get(`/widget/session/${session}`, 'iframe');
    expect(framed.status).toBe(200);
    expect(await framed.text()).toContain('name="number"');
    // A client that doesn't say (no Sec-Fetch-Dest) is served, as before.
    expect((await get(`/widget/session/${session}`)).status).toBe(200);
    const paid = await payWithNewCard(gw.url, session, '4111111111111111');
    expect(paid.status).toBe(303);
  });

  it("the paywall's session (a payment link) is a whole page and is served as one", async () => {
    const link = await createLink(gw.merchant, 'https://shop.example');
    const opened = await open(link.url);
    expect(opened.status).toBe(303);
    const page = await get(opened.location!, 'document');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="number"');
  });
});
