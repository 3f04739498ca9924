import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAttributes, type RawAttributes } from '../../src/widget/attributes.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';

/**
 * Issue 14, item 6: one validation for the API and the widget. Each value below is sent to the API and signed
 * into a widget; both must refuse it with the same words (or both accept it).
 */
describe('the widget and the API apply the same field rules', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.close();
  });

  const widget: RawAttributes = {
    merchantId: 'abcdefghij0123456789',
    serviceId: '0f4c8b1e-8c1a-4d2e-9f3a-1b2c3d4e5f60',
    amount: '1999',
    currency: 'PLN',
    orderId: 'order-1',
    customerId: 'cid-1',
    customerFirstName: 'Jan',
    customerLastName: 'Kowalski',
    customerEmail: 'jan@example.com',
    signature: 'x;sha256',
  };

  // [API field path, API body change, widget attribute, widget value]
  const cases: Array<[string, (b: Record<string, unknown>) => void, string, string]> = [
    ['title', (b) => (b.title = 'Mug <b>sale</b>'), 'orderDescription', 'Mug <b>sale</b>'],
    ['title', (b) => (b.title = 'x'.repeat(256)), 'orderDescription', 'x'.repeat(256)],
    ['orderId', (b) => (b.orderId = 'order;1'), 'orderId', 'order;1'],
    ['orderId', (b) => (b.orderId = 'o'.repeat(101)), 'orderId', 'o'.repeat(101)],
    [
      'customer.email',
      (b) => ((b.customer as Record<string, unknown>).email = 'jan'),
      'customerEmail',
      'jan',
    ],
    [
      'customer.phone',
      (b) => ((b.customer as Record<string, unknown>).phone = '+48 <1>'),
      'customerPhone',
      '+48 <1>',
    ],
    [
      'customer.firstName',
      (b) => ((b.customer as Record<string, unknown>).firstName = 'J'.repeat(101)),
      'customerFirstName',
      'J'.repeat(101),
    ],
    [
      'successReturnUrl',
      (b) => (b.successReturnUrl = 'javascript:alert(1)'),
      'urlSuccess',
      'javascript:alert(1)',
    ],
  ];

  for (const [property, change, attribute, value] of cases) {
    it(`${property} = ${JSON.stringify(value.slice(0, 20))}: the same refusal from both`, async () => {
      const body = saleBody(gw.merchant.serviceId);
      change(body);
      const api = await gw.merchant.api.post<{
        apiErrorResponse: { code: string; errors: Array<{ property: string; message: string }> };
      }>('/transaction', body);
      expect(api.status).toBe(422);
      expect(api.body.apiErrorResponse.code).toBe('API-ERROR-100422');
      const apiMessage = api.body.apiErrorResponse.errors.find((e) => e.property === property)?.message;
      const parsed = parseAttributes({ ...widget, [attribute]: value });
      expect(parsed.ok).toBe(false);
      const widgetMessage = parsed.ok ? undefined : parsed.problems[0]?.message;
      expect(widgetMessage).toBeDefined();
      expect(widgetMessage).toBe(apiMessage);
    });
  }

  it('a title with every character the API allows is accepted by both', async () => {
    const title = 'Zamówienie #12 & co_, ./\\ "x" \'y\' -ąę';
    const body = saleBody(gw.merchant.serviceId, { title });
    const api = await gw.merchant.api.post('/transaction', body);
    expect(api.status).toBe(200);
    expect(parseAttributes({ ...widget, orderDescription: title }).ok).toBe(true);
  });

  it("data-customer-id allows _ (imoje's widget does); the API cid does not", async () => {
    expect(parseAttributes({ ...widget, customerId: 'customer_77' }).ok).toBe(true);
    const body = saleBody(gw.merchant.serviceId);
    (body.customer as Record<string, unknown>).cid = 'customer_77';
    const api = await gw.merchant.api.post('/transaction', body);
    expect(api.status).toBe(422);
  });
});
