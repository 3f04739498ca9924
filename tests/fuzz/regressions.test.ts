import { connect } from 'node:net';
import { signWidget } from '../../src/widget/signature.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import { expectError } from '../support/wire.js';

/** What the fuzzer found, pinned as plain examples (docs/reliability.md lists them). */
describe('fuzzing findings stay fixed', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ shop: { preauth: true } });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('a JSON body nested thousands of levels deep is a 422, not a stack overflow (500)', async () => {
    const m = gw.merchant;
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const sale = await m.api.post<{ transaction: { id: string } }>('/transaction', saleBody(m.serviceId));
    expect(sale.status).toBe(200);
    const capture = await m.api.post(`/transaction/${sale.body.transaction.id}/capture`, deep, {
      'idempotency-key': 'deep-1',
    });
    expectError(capture, 422, 'API-ERROR-100422', 'body');
    const body = JSON.stringify(saleBody(m.serviceId)).replace(
      '"additionalData":{',
      `"additionalData":{"deep":${'['.repeat(10_000)}${']'.repeat(10_000)},`,
    );
    expectError(await m.api.post('/transaction', body, { 'idempotency-key': 'deep-2' }), 422);
    // 32 levels are still fine.
    const ok = JSON.stringify(saleBody(m.serviceId)).replace(
      '"additionalData":{',
      `"additionalData":{"deep":${'['.repeat(28)}${']'.repeat(28)},`,
    );
    expect((await m.api.post('/transaction', ok, { 'idempotency-key': 'deep-3' })).status).toBe(200);
  });

  it('the merchant API refuses form-encoded bodies with 415 (a form-encoded JSON body echoed the card number)', async () => {
    const m = gw.merchant;
    const res = await m.api.post('/transaction', JSON.stringify(saleBody(m.serviceId)), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expectError(res, 415, 'API-ERROR-100415');
    expect(res.text).not.toContain('4111111111111111');
  });

  it('the error echo masks card numbers anywhere: in a string, a key, a JSON number', async () => {
    const m = gw.merchant;
    const body = {
      ...saleBody(m.serviceId, { amount: 'not a number', title: 'card 4111 1111 1111 1111 please' }),
      pan: 4111111111111111,
      '5555555555554444': 'as a key',
    };
    const res = await m.api.post('/transaction', body);
    expectError(res, 422, 'API-ERROR-100422', 'amount');
    for (const pan of ['4111111111111111', '4111 1111 1111 1111', '5555555555554444'])
      expect(res.text).not.toContain(pan);
    expect(res.text).toContain('card ****1111 please');
    // Other long numbers are left alone (not Luhn-valid).
    const order = await m.api.post(
      '/transaction',
      saleBody(m.serviceId, { amount: -1, orderId: 'o-1234567890123' }),
    );
    expect(order.text).toContain('o-1234567890123');
  });

  /** The digits of `text` with separators between digits removed (spaces, dashes, their URL encodings). */
  const flat = (text: string) => text.replace(/(?<=[0-9])(?:[\s+-]|%20|%2D)+(?=[0-9])/gi, '');

  it('a card number typed into paymentMethod is masked in the 422 message, also spaced or dashed (it was echoed)', async () => {
    const m = gw.merchant;
    const from = gw.logs.length;
    for (const [i, value] of ['4111111111111111', '4111 1111 1111 1111', '4111-1111-1111-1111'].entries()) {
      const res = await m.api.post('/transaction', saleBody(m.serviceId, { paymentMethod: value }), {
        'idempotency-key': `pm-pan-${i}`,
      });
      expectError(res, 422, 'TRX-ERROR-110422', 'paymentMethod');
      expect(flat(res.text)).not.toContain('4111111111111111');
      expect(res.text).toContain('Payment method \\"****1111\\" is not supported');
    }
    // The 422 is the key's stored answer: stored masked too.
    const stored = await gw.gateway.storage.db.selectFrom('idempotencyKeys').selectAll().execute();
    expect(stored.length).toBeGreaterThanOrEqual(3);
    expect(flat(JSON.stringify(stored))).not.toContain('4111111111111111');
    expect(flat(gw.logs.slice(from).join(''))).not.toContain('4111111111111111');
  });

  it('a card number in the path is masked in the 404 message and in the request log line', async () => {
    const m = gw.merchant;
    const from = gw.logs.length;
    for (const path of ['/nowhere/4111111111111111', '/nowhere/4111%201111%201111%201111']) {
      const res = await m.api.get(path);
      expectError(res, 404, 'API-ERROR-100404', 'path');
      expect(flat(res.text)).not.toContain('4111111111111111');
    }
    const profile = await m.api.get('/profile/cid/4111-1111-1111-1111');
    expect(flat(profile.text)).not.toContain('4111111111111111');
    const logged = gw.logs.slice(from).join('');
    expect(logged).toContain('/nowhere/****1111');
    expect(flat(logged)).not.toContain('4111111111111111');
  });

  it('a card number typed into the widget holder field is masked when the form is shown again (422 page)', async () => {
    const m = gw.merchant;
    const signed: Record<string, string> = {
      merchantId: m.merchantId,
      serviceId: m.serviceId,
      amount: '1999',
      currency: 'PLN',
      orderId: 'w-holder-pan',
      customerId: 'cid-holder-pan',
      customerFirstName: 'Jan',
      customerLastName: 'Kowalski',
      customerEmail: 'jan@example.com',
      urlSuccess: 'https://shop.example/success',
      urlFailure: 'https://shop.example/failure',
    };
    const form = (fields: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual' as const,
    });
    const session = await fetch(
      `${gw.url}/widget/session`,
      form({ ...signed, signature: signWidget(signed, m.serviceKey) }),
    );
    await session.text();
    expect(session.status).toBe(303);
    const from = gw.logs.length;
    const page = await fetch(
      `${gw.url}${session.headers.get('location')!}/pay`,
      form({ number: '1234', expiry: '12/40', cvv: '123', holder: '4111 1111 1111 1111' }),
    );
    const html = await page.text();
    expect(page.status).toBe(422);
    expect(html).toContain('****1111');
    expect(flat(html)).not.toContain('4111111111111111');
    expect(flat(gw.logs.slice(from).join(''))).not.toContain('4111111111111111');
  });

  it('an unknown widget asset is a 404 with the error envelope', async () => {
    expectError(await gw.http.get('/widget/assets/nope.css'), 404, 'API-ERROR-100404');
  });

  it('a malformed HEAD request gets its error status without a body', async () => {
    const socket = connect(Number(new URL(gw.url).port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.write(Buffer.from('HEAD /health/\xff HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1'));
    await new Promise((r) => socket.once('close', r));
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer.endsWith('\r\n\r\n')).toBe(true);
  });
});

describe.each(DB_KINDS)('NUL characters (%s)', (db) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ db });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('a NUL in a path parameter, a query or a body string is a 422, not a database error (500 on PostgreSQL)', async () => {
    const m = gw.merchant;
    expectError(await gw.http.get('/3ds/a%00b'), 422, 'API-ERROR-100422', 'transactionId');
    expectError(await m.api.get('/profile/cid/a%00b'), 422, 'API-ERROR-100422', 'cid');
    const sale = saleBody(m.serviceId, {
      customer: { firstName: 'J\u0000n', lastName: 'K', email: 'j@x.pl' },
    });
    expectError(await m.api.post('/transaction', sale), 422, 'API-ERROR-100422', 'customer.firstName');
    const extra = saleBody(m.serviceId, { additionalData: { 'k\u0000': 1 } });
    expectError(await m.api.post('/transaction', extra), 422, 'API-ERROR-100422', 'additionalData');
    expect((await gw.http.get('/health/ready')).status).toBe(200);
  });
});
