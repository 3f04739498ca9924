import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';

describe('smoke', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('registers a card and debits the profile', async () => {
    const m = gw.merchant;
    const reg = await m.api.post<{ transaction: { status: string; paymentProfile: { id: string } } }>(
      '/transaction',
      saleBody(m.serviceId),
    );
    expect(reg.status).toBe(200);
    expect(reg.body.transaction.status).toBe('settled');
  });
});
