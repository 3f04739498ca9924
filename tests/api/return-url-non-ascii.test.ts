import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { answerChallenge } from '../support/challenge.js';
import { saleBody } from '../support/payloads.js';
import { createLink, open } from '../paywall/links.js';
import { page, payWithNewCard } from '../widget/http-widget.js';

/**
 * A shop's return URL may hold characters a header can't (a Polish path, an IDN host): the URL rules accept
 * them, so every redirect to one must still be a valid `Location`, percent-encoded (and the host punycoded) as
 * a browser would — never a broken 500 after the payer has paid.
 */
const SHOP = 'https://sklep.example';
const UNICODE = 'https://sklep-żółw.example/dziękujemy?zamówienie=ąę#koniec';
const ENCODED = new URL(UNICODE).href;

describe.each(DB_KINDS)('redirects to non-ASCII return URLs (%s)', (db) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ db });
  });
  afterAll(async () => gw?.close());

  it('the 3-D Secure page sends the payer on to a non-ASCII successReturnUrl, percent-encoded', async () => {
    const m = gw.merchant;
    const created = await m.api.post<{ action: { url: string } }>(
      '/transaction',
      saleBody(m.serviceId, { successReturnUrl: UNICODE }, { number: '4012001037141112' }),
    );
    expect(created.status).toBe(200);
    const answered = await answerChallenge(created.body.action.url, 'pass');
    expect(answered.status).toBe(303);
    expect(answered.headers.get('location')).toBe(ENCODED);
  });

  it('the paywall sends the payer back to a non-ASCII returnUrl after paying a link', async () => {
    const link = await createLink(gw.merchant, SHOP, { successReturnUrl: UNICODE });
    const opened = await open(link.url);
    expect(opened.status).toBe(303);
    const session = opened.location!.split('/').pop()!;
    const paid = await payWithNewCard(gw.url, session, '4111111111111111');
    expect(paid.status).toBe(303);
    const result = await page(`${gw.url}/widget/session/${session}/result`);
    expect(result.status).toBe(303);
    expect(result.location).toBe(ENCODED);
  });

  it('an ASCII return URL is sent exactly as the shop gave it', async () => {
    const exact = 'https://shop.example/ok?order=1&x=%C4%85';
    const m = gw.merchant;
    const created = await m.api.post<{ action: { url: string } }>(
      '/transaction',
      saleBody(m.serviceId, { successReturnUrl: exact }, { number: '4012001037141112' }),
    );
    const answered = await answerChallenge(created.body.action.url, 'pass');
    expect(answered.headers.get('location')).toBe(exact);
  });
});
