import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPaywall, type PaywallForm } from '../../src/paywall/signature.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { debitBody, saleBody, uniqueCid } from '../support/payloads.js';
import { openSession, openWidget, signedOrder, withSignatureOf } from '../widget/http-widget.js';
import type { TransactionResponse } from '../support/wire.js';

/**
 * Non-negotiable 4: whatever field a card number is typed into, it is stored only encrypted (in the vault, from
 * `card.number`) and shown at most masked. Free text (a title, names, `additionalData`, the card's holder) is
 * masked before anything stores or echoes it; an identifier or an address the shop chose (an `orderId`, a
 * `cid`, a URL, an `Idempotency-Key`) cannot be rewritten, so a card number there refuses the request.
 */
// Luhn-valid numbers used nowhere else, each written the way it is sent below.
const PANS = {
  title: '4100009115136931',
  dotted: '4000056655665556',
  underscored: '4242424242424242',
  wide: '5105105105105100',
  invisible: '4012888888881881',
  fullWidth: '4222222222222',
  holder: '4917610000000000',
  extra: '6011111111111117',
  jsonNumber: '6212345434107032971',
  order: '4100039292287397',
  cid: '5200828282828210',
  url: '4000002500003155',
  key: '4000000760000002',
  query: '378282246310005',
  paywall: '4000002760003184',
  widgetHolder: '4000000000003220',
  widgetAttribute: '4000008400001629',
};
const FULL_WIDTH = [...PANS.fullWidth].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
const grouped = (pan: string, sep: string) => pan.match(/.{1,4}/g)!.join(sep);

describe('a card number in any field but the card number', () => {
  let gw: TestGateway;
  const seen: string[] = [];
  beforeAll(async () => {
    gw = await startGateway({
      env: { KARTOTEKA_SQLITE_SYNCHRONOUS: 'normal', KARTOTEKA_LOG_LEVEL: 'trace' },
    });
  });
  afterAll(async () => {
    await gw?.close();
  });

  const api = () => gw.merchant.api;
  const body = (order: Record<string, unknown> = {}, card: Record<string, unknown> = {}) =>
    saleBody(gw.merchant.serviceId, { paymentMethodCode: 'oneclick', ...order }, card);

  it('in free text is masked before it is stored: the payment goes through, every answer shows ****1234', async () => {
    const res = await api().post<TransactionResponse>(
      '/transaction',
      body(
        {
          title: `Order for ${PANS.title}`,
          customer: {
            firstName: grouped(PANS.dotted, '.'),
            lastName: grouped(PANS.underscored, '_'),
            email: 'jan@example.com',
            cid: uniqueCid(),
          },
          additionalData: {
            note: grouped(PANS.wide, '     '),
            other: grouped(PANS.invisible, '\u200b'),
            wide: FULL_WIDTH,
            big: Number(PANS.jsonNumber),
            [PANS.extra]: 'a key',
          },
        },
        { firstName: PANS.holder },
      ),
    );
    seen.push(res.text);
    expect(res.status, res.text).toBe(200);
    const t = res.body.transaction;
    expect(t.status).toBe('settled');
    expect(t.title).toBe('Order for ****6931');
    const read = await api().get(`/transaction/${t.id}`);
    seen.push(read.text);
    expect(read.text).toContain('****6931');
    const profile = t.paymentProfile!;
    expect(profile.firstName).toBe('****5556');
    seen.push((await api().get(`/profile/id/${profile.id}`)).text);
    const debit = await api().post('/transaction/profile', {
      ...debitBody(gw.merchant.serviceId, profile.id),
      title: grouped(PANS.title, '-'),
    });
    seen.push(debit.text);
    expect(debit.status, debit.text).toBe(200);
    const rows = await gw.gateway.storage.db.selectFrom('notifications').select('body').execute();
    for (const row of rows) seen.push(String(row.body));
  });

  it('in a rejected request is masked in the error envelope, whatever the separators', async () => {
    for (const title of [grouped(PANS.dotted, '.'), grouped(PANS.dotted, '/'), FULL_WIDTH]) {
      const res = await api().post('/transaction', body({ amount: -1, title }));
      seen.push(res.text);
      expect(res.status).toBe(422);
    }
    const notFound = await api().get(`/transaction/x/${grouped(PANS.dotted, '.')}`);
    seen.push(notFound.text);
    expect(notFound.status).toBe(404);
  });

  it('in an identifier or an address refuses the request and names the field; nothing is stored', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ orderId: grouped(PANS.order, ' ') }, 'orderId'],
      [
        { customer: { firstName: 'Jan', lastName: 'Nowak', email: 'jan@example.com', cid: PANS.cid } },
        'customer.cid',
      ],
      [{ notificationUrl: `https://shop.example/notify/${PANS.url}` }, 'notificationUrl'],
    ];
    const before = await gw.gateway.storage.db.selectFrom('transactions').select('id').execute();
    for (const [order, property] of cases) {
      const res = await api().post<{ apiErrorResponse: { errors: Array<{ property: string }> } }>(
        '/transaction',
        body(order),
      );
      seen.push(res.text);
      expect(res.status, res.text).toBe(422);
      expect(res.body.apiErrorResponse.errors.map((e) => e.property)).toContain(property);
    }
    const keyed = await api().post<{ apiErrorResponse: { errors: Array<{ property: string }> } }>(
      '/transaction',
      body(),
      { 'idempotency-key': `retry-${PANS.key}` },
    );
    seen.push(keyed.text);
    expect(keyed.status).toBe(422);
    expect(keyed.body.apiErrorResponse.errors[0]!.property).toBe('Idempotency-Key');
    const after = await gw.gateway.storage.db.selectFrom('transactions').select('id').execute();
    expect(after).toHaveLength(before.length);
  });

  it('an identifier shaped like a date or a short number is not a card number: accepted as sent', async () => {
    // 12 digits and date-shaped groups pass the Luhn check here, yet are no card number's shape.
    // A UUID whose digit groups line up like a card's (…-5944-4931-9903-60e8…): a shop's UUID orderId, as the
    // gateway's own ids, is an id, never a card number.
    for (const orderId of ['2026-12-01/0005', '202612010005', 'b614b31a-5944-4931-9903-60e8af2d6f42']) {
      const res = await api().post<TransactionResponse>('/transaction', body({ orderId }));
      expect(res.status, res.text).toBe(200);
      expect(res.body.transaction.orderId).toBe(orderId);
    }
  });

  it('in a query string is masked, and a security code there never reaches a log or the request log', async () => {
    const res = await gw.http.get(
      `/kartoteka/v1/merchant/${gw.merchant.merchantId}/transactions?orderId=${PANS.query}&cvv=918&card%5Bcvc%5D=917`,
      { authorization: `Bearer ${gw.merchant.token}` },
    );
    seen.push(res.text);
    expect(res.status).toBeLessThan(500);
    // The request log is written in batches, a quarter of a second apart.
    const loggedPath = async () =>
      (await gw.gateway.storage.db.selectFrom('requestLog').select('path').execute())
        .map((p) => p.path)
        .find((p) => p.includes('/transactions?'));
    await expect.poll(loggedPath).toBeDefined();
    const logged = await loggedPath();
    expect(logged).toContain('cvv=[redacted]');
    expect(logged).not.toContain('918');
    expect(logged).not.toContain('917');
    const lines = gw.logs.join('').split('\n');
    expect(lines.filter((l) => l.includes('cvv=918') || l.includes('%5D=917'))).toEqual([]);
    expect(lines.some((l) => l.includes('cvv=[redacted]'))).toBe(true);
  });

  it("in the paywall's signed fields refuses the page (nothing can be masked under a signature)", async () => {
    const m = gw.merchant;
    const form: PaywallForm = {
      serviceId: m.serviceId,
      merchantId: m.merchantId,
      amount: '3100',
      currency: 'PLN',
      orderId: `pw-${Date.now().toString(36)}`,
      customerFirstName: grouped(PANS.paywall, ' '),
      customerLastName: 'Kowalski',
      customerEmail: 'jan@example.com',
      orderDescription: 'Paywall order',
      locale: 'en',
    };
    const res = await fetch(`${gw.url}/payment`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...(form as Record<string, string>),
        signature: signPaywall(form, m.serviceKey),
      }).toString(),
    });
    const html = await res.text();
    seen.push(html);
    expect(res.status).toBe(422);
    expect(html).toMatch(/looks like a card number/);
  });

  it("in the widget's card form, typed into the holder's name: masked, and the form shown again holds no number", async () => {
    const session = await openSession(gw.url, withSignatureOf(gw.merchant, signedOrder(gw.merchant)));
    const res = await fetch(`${gw.url}/widget/session/${session}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      // A bad expiry shows the form again, with what the payer typed.
      body: new URLSearchParams({
        number: '4111111111111111',
        expiry: '13/99',
        cvv: '123',
        holder: grouped(PANS.widgetHolder, '.'),
      }).toString(),
      redirect: 'manual',
    });
    const html = await res.text();
    seen.push(html);
    expect(res.status).toBe(422);
    expect(html).toContain('****3220');
  });

  it("in the widget's signed attributes refuses the opening", async () => {
    const opening = await openWidget(
      gw.url,
      withSignatureOf(
        gw.merchant,
        signedOrder(gw.merchant, { orderDescription: `for ${PANS.widgetAttribute}` }),
      ),
    );
    seen.push(opening.html);
    expect(opening.status).toBe(422);
    expect(opening.html).toMatch(/looks like a card number/);
  });

  function digitsOf(text: string): string {
    return text.normalize('NFKC').replace(/[^0-9]/g, '');
  }

  it('no such number in clear in any answer, page or notification above', () => {
    for (const text of seen) {
      for (const pan of Object.values(PANS)) {
        expect(text.includes(pan), `${pan} in ${text.slice(0, 300)}`).toBe(false);
        // Nor disguised: no answer holds the number's digits with only separators between them.
        for (const run of text.normalize('NFKC').match(/[0-9][0-9\s.,:;_/\\|#*~+\u200b-]*[0-9]/gu) ?? []) {
          expect(digitsOf(run).includes(pan), `${pan} disguised in ${run}`).toBe(false);
        }
      }
      expect(text.includes(PANS.jsonNumber.slice(0, 15))).toBe(false);
    }
  });

  it('no such number in clear in any file of the data directory (database, WAL, log)', async () => {
    await new Promise((resolve) => setTimeout(resolve, 600)); // the request log's last batch
    for (const name of readdirSync(gw.dataDir)) {
      const bytes = readFileSync(join(gw.dataDir, name));
      for (const pan of Object.values(PANS)) {
        for (const form of [pan, grouped(pan, '.'), grouped(pan, '_'), grouped(pan, '     '), FULL_WIDTH]) {
          expect(bytes.includes(Buffer.from(form)), `${form} in ${name}`).toBe(false);
        }
      }
      expect(bytes.includes(Buffer.from(PANS.jsonNumber.slice(0, 15))), `15 digits in ${name}`).toBe(false);
    }
  });
});
