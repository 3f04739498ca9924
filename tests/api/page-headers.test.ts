import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

/**
 * Every HTML page the gateway serves says `nosniff` and sends no Referer: the 3-D Secure page's address is the
 * payment's (whoever has it may answer the sandbox challenge), and the landing page shows the sandbox token.
 * The widget, paywall and dashboard pages already did; these did not.
 */
describe('security headers of the gateway-rendered pages', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { KARTOTEKA_BOOTSTRAP: 'on' } });
  });
  afterAll(async () => gw?.close());

  function expectHardened(res: Response) {
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
  }

  it('the landing page', async () => {
    const res = await fetch(`${gw.url}/`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expectHardened(res);
  });

  it('the 3-D Secure page: the challenge, an unknown payment and a finished one', async () => {
    const created = await gw.merchant.api.post<TransactionResponse>(
      '/transaction',
      saleBody(gw.merchant.serviceId, {}, { number: '4012001037141112' }),
    );
    const url = created.body.action!.url;
    const challenge = await fetch(url);
    expect(challenge.status).toBe(200);
    expectHardened(challenge);
    const unknown = await fetch(`${gw.url}/3ds/00000000-0000-4000-8000-000000000000`);
    expect(unknown.status).toBe(404);
    expectHardened(unknown);
    const done = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'result=pass',
      redirect: 'manual',
    });
    expect(done.status).toBe(303);
    const again = await fetch(url);
    expect(again.status).toBe(409);
    expectHardened(again);
  });
});
