import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingInput } from '../../src/widget/signature.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import {
  chargesFor,
  openSession,
  openWidget,
  page,
  payWithNewCard,
  signedOrder,
  withSignatureOf,
} from './http-widget.js';

/** Issue 12, item 11: the unescaped signing string let a signed widget be re-arranged. */
describe.each(DB_KINDS)('re-arranged widget signatures (%s)', (db) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ db });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('an expired widget revived by moving &validTo=… into urlSuccess is refused', async () => {
    const m = gw.merchant;
    const signed = signedOrder(m, { validTo: String(Math.floor(Date.now() / 1000) - 3600) });
    const original = withSignatureOf(m, signed);
    expect((await openWidget(gw.url, original)).status).toBe(410); // expired, as signed

    const { validTo, ...rest } = original;
    const rearranged = { ...rest, urlSuccess: `${signed.urlSuccess}&validTo=${validTo}` };
    expect(signingInput(rearranged, m.serviceKey)).toBe(signingInput(original, m.serviceKey));
    const res = await openWidget(gw.url, rearranged);
    expect(res.status).toBe(403);
    expect(res.html).toContain('data-code="invalid_signature"');
    expect(res.html).toContain('invalid signature');
    expect(res.html).toContain('Nothing was charged');
    expect(res.html).toContain('data-url-success contains &quot;&amp;validTo=&quot;');
    expect((await chargesFor(gw.gateway.storage, signed.orderId!)).transactions).toHaveLength(0);
  });

  it('a return URL with an ordinary query string (?wc-api=x&order=1) still opens and pays', async () => {
    const m = gw.merchant;
    const urlSuccess = 'https://shop.example/?wc-api=x&order=1';
    const signed = signedOrder(m, { urlSuccess });
    const session = await openSession(gw.url, withSignatureOf(m, signed));
    const paid = await payWithNewCard(gw.url, session, '4111111111111111');
    expect(paid.status).toBe(303);
    const result = await page(paid.location!);
    expect(result.html).toContain('href="https://shop.example/?wc-api=x&amp;order=1"');
    expect((await chargesFor(gw.gateway.storage, signed.orderId!)).charged).toHaveLength(1);
  });
});
