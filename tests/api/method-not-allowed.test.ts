import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { expectError } from '../support/wire.js';

const ADMIN_TOKEN = 'method-not-allowed-admin-token-0123456789';
const SOME_ID = '0f4c8b1e-8c1a-4d2e-9f3a-1b2c3d4e5f60';
const OPENAPI_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * A path some route has, asked with a method none of its routes answers, was `404 API-ERROR-100404` (Fastify
 * answers it as an unknown path). It is `405 API-ERROR-100405` (docs/errors.md) in the imoje envelope, with an
 * `Allow` header naming the path's methods, on every route; a path no route has stays 404.
 */
describe('a wrong method on an existing path is 405 with Allow', () => {
  let gw: TestGateway;
  let mid: string;
  beforeAll(async () => {
    // Storage plays no part in routing: SQLite only.
    gw = await startGateway({ env: { KARTOTEKA_ADMIN_TOKEN: ADMIN_TOKEN } });
    mid = gw.merchant.merchantId;
  });
  afterAll(async () => {
    await gw?.close();
  });

  const expect405 = (res: { status: number; headers: Headers; body: unknown }, allow: string) => {
    const e = expectError(res, 405, 'API-ERROR-100405', 'method');
    expect(e.message).toBe('Method not allowed for this endpoint.');
    expect(res.headers.get('allow')).toBe(allow);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return e;
  };

  it('GET /v1/merchant/{mid}/transaction (POST only), with the token: 405, Allow: POST', async () => {
    const res = await gw.merchant.api.get('/transaction');
    const e = expect405(res, 'POST');
    expect(e.errors).toEqual([
      { property: 'method', message: `GET /v1/merchant/${mid}/transaction is not allowed; use POST.` },
    ]);
    // Without a token too: the method is refused before anyone is asked who is calling (as a 404 is).
    expect405(await gw.http.get(`/v1/merchant/${mid}/transaction`), 'POST');
  });

  it('the imoje API: each path answers its own methods', async () => {
    const api = gw.merchant.api;
    expect405(await api.request('PUT', `/transaction/${SOME_ID}`), 'GET, HEAD');
    // A trailing slash and a query string change nothing.
    expect405(await api.get(`/transaction/${SOME_ID}/refund/`), 'POST');
    expect405(await api.get(`/transaction/${SOME_ID}/refund?x=1`), 'POST');
    expect405(await api.post(`/profile/id/${SOME_ID}`, {}), 'GET, HEAD, DELETE');
    expect405(await api.get('/profile/deactivate'), 'POST');
    expect405(await api.delete('/services'), 'GET, HEAD');
    // A body gets the 405 too, its echo masked as every error's is.
    const withCard = await api.request('PATCH', '/transaction', { card: { number: '4111111111111111' } });
    expect405(withCard, 'POST');
    expect(withCard.text).not.toContain('4111111111111111');
  });

  it('HEAD of a POST-only path: 405 with Allow and no body', async () => {
    const res = await gw.http.request('HEAD', `/v1/merchant/${mid}/transaction`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.text).toBe('');
  });

  it('every path of the OpenAPI document: a method it lacks is 405 naming its methods; those are routed', async () => {
    const doc = (await gw.http.get<{ paths: Record<string, Record<string, unknown>> }>('/openapi.json')).body;
    const paths = Object.entries(doc.paths);
    expect(paths.length).toBeGreaterThan(20);
    for (const [template, operations] of paths) {
      const path = template.replace('{merchantId}', mid).replace(/\{[^}]+\}/g, SOME_ID);
      const documented = OPENAPI_METHODS.filter((m) => m in operations).map((m) => m.toUpperCase());
      expect(documented.length, template).toBeGreaterThan(0);
      // No route answers PATCH or PUT (GET may: `GET /transaction/profile` is the read of a transaction "profile").
      const missing = ['PATCH', 'PUT'].find((m) => !documented.includes(m))!;
      const res = await gw.http.request(missing, path);
      expect(res.status, `${missing} ${template}: ${res.text}`).toBe(405);
      const allow = res.headers.get('allow')!.split(', ');
      for (const m of documented) expect(allow, template).toContain(m);
      if (documented.includes('GET')) expect(allow, template).toContain('HEAD');
      // Each method it names reaches a route (unauthenticated: a 401 or the route's own answer, never 405/100404).
      for (const m of allow.filter((a) => a !== 'HEAD')) {
        const routed = await gw.http.request(m, path);
        expect(routed.status, `${m} ${template}`).not.toBe(405);
        expect(routed.text, `${m} ${template}`).not.toContain('API-ERROR-100404');
      }
    }
  });

  it("Kartoteka's own routes: the extension prefix, admin, widget, dashboard, docs, health", async () => {
    const cases: Array<[string, string, string]> = [
      ['DELETE', `/kartoteka/v1/merchant/${mid}/transactions`, 'GET, HEAD'],
      ['PUT', `/kartoteka/v1/merchant/${mid}/schedules`, 'GET, HEAD, POST'],
      ['PATCH', `/kartoteka/v1/merchant/${mid}/test-clock/${SOME_ID}`, 'GET, HEAD, POST, DELETE'],
      ['DELETE', '/admin/notifications', 'GET, HEAD'],
      ['GET', '/admin/notifications/1/resend', 'POST'],
      ['POST', '/js/widget.min.js', 'GET, HEAD'],
      ['GET', '/widget/session', 'POST'],
      ['GET', `/widget/session/${SOME_ID}/pay`, 'POST'],
      ['DELETE', '/payment', 'GET, HEAD, POST'],
      ['PUT', '/dashboard', 'GET, HEAD'],
      ['DELETE', '/dashboard/sign-in', 'GET, HEAD, POST'],
      ['GET', '/dashboard/sign-out', 'POST'],
      ['POST', '/docs/static/index.html', 'GET, HEAD'],
      ['DELETE', '/openapi.json', 'GET, HEAD'],
      ['POST', '/health/live', 'GET, HEAD'],
      ['POST', '/', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await gw.http.request(method, path);
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(405);
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      expect((res.body as { apiErrorResponse: { code: string } }).apiErrorResponse.code).toBe(
        'API-ERROR-100405',
      );
    }
  });

  it('a path no route has is still 404 API-ERROR-100404, whatever the method', async () => {
    for (const [method, path] of [
      ['GET', `/v1/merchant/${mid}/nothing`],
      ['POST', `/v1/merchant/${mid}/transaction/${SOME_ID}/nothing`],
      ['DELETE', '/nothing'],
      ['GET', `/kartoteka/v1/merchant/${mid}/transactions/${SOME_ID}`],
    ] as const) {
      const res = await gw.http.request(method, path);
      expectError(res, 404, 'API-ERROR-100404', 'path');
      expect(res.headers.get('allow')).toBeNull();
    }
  });
});
