import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { createLink } from '../paywall/links.js';
import { signedOrder, withSignatureOf } from './http-widget.js';

/**
 * The shop page's origin goes into the card form's `Content-Security-Policy` (frame-ancestors) and its
 * postMessage target. It comes from the request (the `Origin` header, or the posted `kartotekaParentOrigin`),
 * so only a bare scheme://host[:port] may be kept: `;` or `,` in it would add directives or a second policy.
 */
describe('the widget keeps only a well-formed shop origin', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({});
  });
  afterAll(async () => gw?.close());

  async function open(origin: string, posted?: string) {
    const attrs = withSignatureOf(gw.merchant, signedOrder(gw.merchant));
    const res = await fetch(`${gw.url}/widget/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({
        ...attrs,
        ...(posted === undefined ? {} : { kartotekaParentOrigin: posted }),
      }).toString(),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    const form = await fetch(new URL(res.headers.get('location')!, gw.url));
    expect(form.status).toBe(200);
    return { csp: form.headers.get('content-security-policy')!, html: await form.text() };
  }

  const frameAncestors = (csp: string) =>
    csp
      .split(';')
      .map((d) => d.trim())
      .filter((d) => d.startsWith('frame-ancestors'));

  it.each([
    'https://shop.example;sandbox',
    'https://shop.example,https://evil.example',
    'https://shop.example;script-src',
    'https://*',
    "https://shop.example'",
  ])('a posted origin %j adds nothing to the policy: the form may be framed by nobody', async (posted) => {
    const { csp, html } = await open('null', posted);
    expect(csp).not.toContain(posted);
    expect(csp.split(';').map((d) => d.trim().split(' ')[0])).not.toContain('sandbox');
    expect(frameAncestors(csp)).toEqual(["frame-ancestors 'none'"]);
    expect(html).toContain('data-parent-origin=""');
  });

  it('an Origin header holding ";" is not written into the policy either', async () => {
    const { csp } = await open('https://shop.example;sandbox');
    expect(csp).not.toContain('sandbox');
    expect(frameAncestors(csp)).toEqual(["frame-ancestors 'none'"]);
  });

  it('a real origin, with a port or an IPv6 host, is kept as the one framer', async () => {
    for (const origin of ['https://shop.example', 'http://127.0.0.1:3000', 'http://[::1]:8080']) {
      const { csp, html } = await open(origin);
      expect(frameAncestors(csp)).toEqual([`frame-ancestors ${origin}`]);
      expect(html).toContain(`data-parent-origin="${origin}"`);
    }
    const posted = await open('null', 'https://shop.example:8443');
    expect(frameAncestors(posted.csp)).toEqual(['frame-ancestors https://shop.example:8443']);
  });
});

describe("a paywall's return URLs add only their bare origins to form-action", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ shop: { pci: false } });
  });
  afterAll(async () => gw?.close());

  it('a return URL whose host holds ";" adds no directive', async () => {
    const link = await createLink(gw.merchant, 'https://shop.example', {
      returnUrl: 'https://shop.example;sandbox/back',
    });
    const opened = await fetch(link.url, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const form = await fetch(new URL(opened.headers.get('location')!, gw.url));
    expect(form.status).toBe(200);
    const csp = form.headers.get('content-security-policy')!;
    expect(csp).not.toContain('sandbox');
    const formAction = csp
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('form-action'));
    expect(formAction).toBe("form-action 'self' https://shop.example");
  });
});

/**
 * A shop may name its pages' origins (`kartoteka shop widget-origins`). Without that list the form's framer is
 * whatever origin the session's opener declares, so a signed session handed to another site could be framed
 * there; with it, a session is opened only from those origins, and so framed only by them.
 */
describe("a shop's allowed widget origins", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({});
    await gw.gateway.accounts.setWidgetOrigins(gw.merchant.merchantId, gw.merchant.serviceId, [
      'https://shop.example',
      'https://www.shop.example',
    ]);
  });
  afterAll(async () => gw?.close());

  async function post(origin: string, posted?: string) {
    const attrs = withSignatureOf(gw.merchant, signedOrder(gw.merchant));
    return fetch(`${gw.url}/widget/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({
        ...attrs,
        ...(posted === undefined ? {} : { kartotekaParentOrigin: posted }),
      }).toString(),
      redirect: 'manual',
    });
  }

  it('opens from a listed origin, framed by it alone', async () => {
    for (const origin of ['https://shop.example', 'https://www.shop.example']) {
      const res = await post(origin);
      expect(res.status).toBe(303);
      const form = await fetch(new URL(res.headers.get('location')!, gw.url));
      expect(form.status).toBe(200);
      expect(form.headers.get('content-security-policy')).toContain(`frame-ancestors ${origin};`);
    }
    // A shop page with Referrer-Policy: no-referrer (Origin: null) posts its origin; only a listed one opens.
    expect((await post('null', 'https://shop.example')).status).toBe(303);
  });

  it('refuses any other origin, or none: 403 origin_not_allowed, no session', async () => {
    for (const [origin, posted] of [
      ['https://evil.example', undefined],
      ['https://shop.example.evil.example', undefined],
      ['http://shop.example', undefined],
      ['null', 'https://evil.example'],
      ['null', undefined],
    ] as const) {
      const res = await post(origin, posted);
      expect(res.status, `${origin} ${posted}`).toBe(403);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('origin_not_allowed');
    }
  });

  it('an empty list lets any page open the widget again', async () => {
    await gw.gateway.accounts.setWidgetOrigins(gw.merchant.merchantId, gw.merchant.serviceId, []);
    expect((await post('https://elsewhere.example')).status).toBe(303);
  });
});
