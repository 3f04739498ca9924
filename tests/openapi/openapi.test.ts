import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatOpenApi, generateOpenApi, OPENAPI_FILE } from '../../scripts/generate-openapi.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { Http } from '../support/http.js';
import { debitBody, saleBody } from '../support/payloads.js';

interface Operation {
  responses: Record<string, { content?: { 'application/json'?: { schema: unknown } } }>;
}
type OpenApiDoc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
  security: unknown[];
};

/**
 * The documented schemas leave additionalProperties open (imoje may add fields); for this test every object is
 * closed, so a field the server sends but the document does not describe fails too.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'properties' ? mapValues(v, closed) : closed(v);
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}
const mapValues = (o: unknown, f: (v: unknown) => unknown) =>
  Object.fromEntries(Object.entries(o as Record<string, unknown>).map(([k, v]) => [k, f(v)]));

describe('OpenAPI document', () => {
  let gw: TestGateway;
  let doc: OpenApiDoc;
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validators = new Map<string, ValidateFunction>();

  /** The documented response schema of `METHOD path` for `status`, closed. */
  function validatorFor(method: string, path: string, status: number): ValidateFunction {
    const key = `${method} ${path} ${status}`;
    let v = validators.get(key);
    if (!v) {
      // Kartoteka's extensions are named by their whole path; imoje's below the merchant prefix.
      const full = path.startsWith('/kartoteka/') ? path : `/v1/merchant/{merchantId}${path}`;
      const schema =
        doc.paths[full]?.[method.toLowerCase()]?.responses[String(status)]?.content?.['application/json']
          ?.schema;
      if (!schema) throw new Error(`${key} is not documented`);
      v = ajv.compile(closed(schema) as object);
      validators.set(key, v);
    }
    return v;
  }

  function expectDocumented(method: string, path: string, status: number, body: unknown): void {
    const v = validatorFor(method, path, status);
    const ok = v(body);
    expect(ok ? [] : v.errors, `${method} ${path} ${status}: ${JSON.stringify(body).slice(0, 400)}`).toEqual(
      [],
    );
  }

  beforeAll(async () => {
    gw = await startGateway();
    doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenApiDoc;
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('docs/openapi.json is what the route schemas generate (run `npm run docs:openapi` after changing routes)', async () => {
    expect(await generateOpenApi()).toBe(readFileSync(OPENAPI_FILE, 'utf8'));
  });

  it('the running server serves the committed document at /openapi.json', async () => {
    const res = await gw.http.get<OpenApiDoc>('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(formatOpenApi(res.body)).toBe(readFileSync(OPENAPI_FILE, 'utf8'));
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    expect(res.body.security).toEqual([{ bearerAuth: [] }]);
  });

  it('documents every merchant endpoint, and hides the 3-D Secure and health pages', () => {
    const ops = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`));
    const m = '/v1/merchant/{merchantId}';
    expect(ops).toEqual(
      expect.arrayContaining([
        `post ${m}/transaction`,
        `post ${m}/transaction/profile`,
        `post ${m}/transaction/{transactionId}/refund`,
        `post ${m}/transaction/{transactionId}/can-refund`,
        `post ${m}/transaction/{transactionId}/capture`,
        `post ${m}/transaction/{transactionId}/void`,
        `get ${m}/transaction/{transactionId}`,
        `get ${m}/profile/id/{paymentProfileId}`,
        `delete ${m}/profile/id/{paymentProfileId}`,
        `get ${m}/profile/cid/{cid}`,
        `post ${m}/profile/deactivate`,
        `get ${m}/service/{serviceId}`,
        `get ${m}/services`,
        `post ${m}/service/{serviceId}/get-payment-methods`,
        `post ${m}/payment`,
        `get ${m}/payment/{paymentId}`,
        `post ${m}/payment/cancel`,
      ]),
    );
    // Pages for browsers and probes are not part of the API (the paywall's /payment form is a page too).
    expect(
      ops.filter((o) => /\/3ds\/|\/health\/|\/docs|\/openapi\.json|\/paywall\/|^\w+ \/payment$/.test(o)),
    ).toEqual([]);
  });

  it('serves a reference page at /docs whose assets come from this server, not a CDN', async () => {
    const page = await gw.http.get('/docs/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui');
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThan(2);
    expect(assets.filter((a) => /^(https?:)?\/\//.test(a))).toEqual([]);
    for (const asset of assets) {
      const res = await fetch(new URL(asset, `${gw.url}/docs/`));
      expect(res.status, asset).toBe(200);
      await res.arrayBuffer();
    }
  });

  it('real responses of the main endpoints validate against the documented schemas', async () => {
    const m = gw.merchant;
    const sale = saleBody(m.serviceId);
    const reg = await m.api.post<{ transaction: { id: string; paymentProfile: { id: string } } }>(
      '/transaction',
      sale,
    );
    expect(reg.status).toBe(200);
    expectDocumented('POST', '/transaction', 200, reg.body);
    const profileId = reg.body.transaction.paymentProfile.id;

    const challenged = await m.api.post<{ action?: unknown }>(
      '/transaction',
      saleBody(m.serviceId, { paymentMethodCode: 'ecom3ds' }, { number: '4012001037141112' }),
    );
    expect(challenged.status).toBe(200);
    expect(challenged.body.action).toBeDefined();
    expectDocumented('POST', '/transaction', 200, challenged.body);

    const read = await m.api.get(`/transaction/${reg.body.transaction.id}`);
    expectDocumented('GET', '/transaction/{transactionId}', read.status, read.body);

    const debit = await m.api.post('/transaction/profile', debitBody(m.serviceId, profileId));
    expectDocumented('POST', '/transaction/profile', debit.status, debit.body);

    const profile = await m.api.get(`/profile/id/${profileId}`);
    expectDocumented('GET', '/profile/id/{paymentProfileId}', profile.status, profile.body);

    const cid = (sale.customer as { cid: string }).cid;
    const list = await m.api.get(`/profile/cid/${cid}`);
    expectDocumented('GET', '/profile/cid/{cid}', list.status, list.body);

    const deactivated = await m.api.post('/profile/deactivate', { paymentProfileId: profileId });
    expectDocumented('POST', '/profile/deactivate', deactivated.status, deactivated.body);
    const deleted = await m.api.delete(`/profile/id/${profileId}`);
    expectDocumented('DELETE', '/profile/id/{paymentProfileId}', deleted.status, deleted.body);
  });

  it('service responses validate against the documented schemas', async () => {
    const m = gw.merchant;
    const service = await m.api.get(`/service/${m.serviceId}`);
    expect(service.status).toBe(200);
    expectDocumented('GET', '/service/{serviceId}', 200, service.body);
    const services = await m.api.get('/services');
    expect(services.status).toBe(200);
    expectDocumented('GET', '/services', 200, services.body);
    const methods = await m.api.post(`/service/${m.serviceId}/get-payment-methods`, {
      amount: 1000,
      currency: 'PLN',
    });
    expect(methods.status).toBe(200);
    expectDocumented('POST', '/service/{serviceId}/get-payment-methods', 200, methods.body);
    const missing = await m.api.get('/service/11111111-1111-4111-8111-111111111111');
    expectDocumented('GET', '/service/{serviceId}', 404, missing.body);
  });

  it('payment link responses validate against the documented schemas', async () => {
    const m = gw.merchant;
    const body = {
      serviceId: m.serviceId,
      amount: 1000,
      currency: 'PLN',
      orderId: `openapi-link-${Date.now()}`,
      customer: { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com', cid: 'openapi-1' },
      preselectMethodCode: 'oneclick',
    };
    const created = await m.api.post<{ payment: { id: string } }>('/payment', body);
    expect(created.status).toBe(200);
    expectDocumented('POST', '/payment', 200, created.body);
    const read = await m.api.get(`/payment/${created.body.payment.id}`);
    expectDocumented('GET', '/payment/{paymentId}', 200, read.body);
    const cancelled = await m.api.post('/payment/cancel', {
      serviceId: m.serviceId,
      paymentId: created.body.payment.id,
    });
    expectDocumented('POST', '/payment/cancel', 200, cancelled.body);
    const missing = await m.api.get('/payment/11111111-1111-4111-8111-111111111111');
    expectDocumented('GET', '/payment/{paymentId}', 404, missing.body);
  });

  it('refund, can-refund, capture and void responses validate against the documented schemas', async () => {
    const m = gw.merchant;
    const sale = await m.api.post<{ transaction: { id: string } }>(
      '/transaction',
      saleBody(m.serviceId, { amount: 5000, paymentMethodCode: 'ecom3ds' }),
    );
    const id = sale.body.transaction.id;
    const can = await m.api.post(`/transaction/${id}/can-refund`, { amount: 1000 });
    expect(can.status).toBe(200);
    expectDocumented('POST', '/transaction/{transactionId}/can-refund', 200, can.body);
    const refund = await m.api.post(`/transaction/${id}/refund`, {
      type: 'refund',
      serviceId: m.serviceId,
      amount: 1000,
    });
    expect(refund.status).toBe(200);
    expectDocumented('POST', '/transaction/{transactionId}/refund', 200, refund.body);
    const read = await m.api.get(`/transaction/${id}`);
    expectDocumented('GET', '/transaction/{transactionId}', 200, read.body);

    const pre = await gw.newMerchant({ preauth: true });
    const authorize = () =>
      pre.api.post<{ transaction: { id: string } }>(
        '/transaction',
        saleBody(pre.serviceId, { paymentMethodCode: 'ecom3ds' }),
      );
    const a = await authorize();
    const captured = await pre.api.post(`/transaction/${a.body.transaction.id}/capture`);
    expect(captured.status).toBe(200);
    expectDocumented('POST', '/transaction/{transactionId}/capture', 200, captured.body);
    const b = await authorize();
    const voided = await pre.api.post(`/transaction/${b.body.transaction.id}/void`, []);
    expect(voided.status).toBe(200);
    expectDocumented('POST', '/transaction/{transactionId}/void', 200, voided.body);
  });

  it("Kartoteka's notification and inbox responses validate against the documented schemas", async () => {
    const m = gw.merchant;
    const ext = new Http(`${gw.url}/kartoteka/v1/merchant/${m.merchantId}`, {
      authorization: `Bearer ${m.token}`,
    });
    const x = '/kartoteka/v1/merchant/{merchantId}';
    // A notification delivered to the inbox receiver, so both sides have something to show.
    const inboxUrl = `${gw.url}/kartoteka/inbox/${m.serviceId}`;
    const sale = await m.api.post<{ transaction: { id: string } }>(
      '/transaction',
      saleBody(m.serviceId, { notificationUrl: inboxUrl }),
    );
    await gw.gateway.worker.tick();
    const list = await ext.get<{ notifications: Array<{ id: string }> }>(
      `/notifications?transactionId=${sale.body.transaction.id}`,
    );
    expect(list.body.notifications).toHaveLength(1);
    expectDocumented('GET', `${x}/notifications`, 200, list.body);
    const id = list.body.notifications[0]!.id;
    expectDocumented(
      'GET',
      `${x}/notifications/{notificationId}`,
      200,
      (await ext.get(`/notifications/${id}`)).body,
    );
    const resent = await ext.post(`/notifications/${id}/resend`);
    expectDocumented('POST', `${x}/notifications/{notificationId}/resend`, 200, resent.body);
    const bad = await ext.get('/notifications?limit=1000');
    expectDocumented('GET', `${x}/notifications`, 422, bad.body);
    const inbox = await ext.get<{ messages: Array<{ id: string }> }>('/inbox');
    expect(inbox.body.messages.length).toBeGreaterThan(0);
    expectDocumented('GET', `${x}/inbox`, 200, inbox.body);
    const one = await ext.get(`/inbox/${inbox.body.messages[0]!.id}`);
    expectDocumented('GET', `${x}/inbox/{messageId}`, 200, one.body);
    const received = await gw.http.post(`/kartoteka/inbox/${m.serviceId}`, '{}', {
      'content-type': 'application/json',
    });
    expectDocumented('POST', `/kartoteka/inbox/{shopId}`, 200, received.body);
  });

  it("Kartoteka's transaction list and timeline responses validate against the documented schemas", async () => {
    const m = gw.merchant;
    const ext = new Http(`${gw.url}/kartoteka/v1/merchant/${m.merchantId}`, {
      authorization: `Bearer ${m.token}`,
    });
    const x = '/kartoteka/v1/merchant/{merchantId}';
    // A sale with a notification attempt and a refund, so every part of the timeline has something in it.
    const sale = await m.api.post<{ transaction: { id: string } }>(
      '/transaction',
      saleBody(m.serviceId, { notificationUrl: `${gw.url}/kartoteka/inbox/${m.serviceId}` }),
    );
    const refund = await m.api.post(`/transaction/${sale.body.transaction.id}/refund`, {
      type: 'refund',
      serviceId: m.serviceId,
      amount: 100,
    });
    expect(refund.status).toBe(200);
    await gw.gateway.worker.tick();
    const list = await ext.get<{ transactions: unknown[]; nextCursor: string | null }>(
      '/transactions?limit=1',
    );
    expect(list.body.transactions).toHaveLength(1);
    expectDocumented('GET', `${x}/transactions`, 200, list.body);
    const timeline = await ext.get<{ notifications: Array<{ attempts: unknown[] }> }>(
      `/transactions/${sale.body.transaction.id}/timeline`,
    );
    expect(timeline.body.notifications[0]!.attempts.length).toBeGreaterThan(0);
    expectDocumented('GET', `${x}/transactions/{transactionId}/timeline`, 200, timeline.body);
    expectDocumented('GET', `${x}/transactions`, 422, (await ext.get('/transactions?limit=0')).body);
    expectDocumented(
      'GET',
      `${x}/transactions/{transactionId}/timeline`,
      404,
      (await ext.get('/transactions/00000000-0000-4000-8000-000000000000/timeline')).body,
    );
  });

  it('error responses validate against the documented error envelope', async () => {
    const m = gw.merchant;
    const unknown = await m.api.get('/transaction/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expectDocumented('GET', '/transaction/{transactionId}', 404, unknown.body);

    const invalid = await m.api.post('/transaction', saleBody(m.serviceId, { currency: 'XYZ' }));
    expect(invalid.status).toBe(422);
    expectDocumented('POST', '/transaction', 422, invalid.body);

    const anonymous = await gw.http.get(`/v1/merchant/${m.merchantId}/profile/cid/nobody`);
    expect(anonymous.status).toBe(401);
    expectDocumented('GET', '/profile/cid/{cid}', 401, anonymous.body);
  });

  it('the closed-schema check can fail: an undocumented field is reported', () => {
    const v = validatorFor('GET', '/profile/cid/{cid}', 200);
    expect(v({ paymentProfiles: [] })).toBe(true);
    expect(v({ paymentProfiles: [], extra: 1 })).toBe(false);
  });
});
