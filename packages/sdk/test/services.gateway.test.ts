import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../../../tests/support/gateway.js';
import { BusinessRuleError, NotFoundError, type KartotekaClient } from '../src/index.js';
import { clientFor, saleRequest } from './support.js';

describe('KartotekaClient: services against the real gateway', () => {
  let gw: TestGateway;
  let client: KartotekaClient;
  let serviceId: string;

  beforeAll(async () => {
    gw = await startGateway();
    client = clientFor(gw, gw.merchant);
    serviceId = gw.merchant.serviceId;
    await gw.gateway.accounts.setLimits(gw.merchant.merchantId, serviceId, {
      minTransaction: 100,
      maxTransaction: 500_000,
    });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('getService returns the card methods with the shop limits', async () => {
    const { service } = await client.getService(serviceId);
    expect(service.id).toBe(serviceId);
    expect(service.isActive).toBe(true);
    const pln = service.paymentMethods.filter((m) => m.currency === 'PLN');
    expect(pln.map((m) => m.paymentMethodCode)).toEqual(['ecom3ds', 'oneclick', 'recurring']);
    expect(pln[0]!.transactionLimits).toEqual({
      minTransaction: { type: 'number', value: 100 },
      maxTransaction: { type: 'number', value: 500_000 },
    });
    await expect(client.getService('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('listServices returns every shop as an array of { service }', async () => {
    const list = await client.listServices();
    expect(list.map((s) => s.service.id)).toEqual([serviceId]);
  });

  it('getPaymentMethods: the card channels within the limits, [] outside', async () => {
    const methods = await client.getPaymentMethods(serviceId, { amount: 1000, currency: 'PLN' });
    expect(methods[0]!.channels.map((c) => c.paymentMethodCode)).toEqual([
      'ecom3ds',
      'oneclick',
      'recurring',
    ]);
    expect(await client.getPaymentMethods(serviceId, { amount: 99, currency: 'PLN' })).toEqual([]);
  });

  it('a payment below the limit is a BusinessRuleError with the imoje code', async () => {
    const err = await client
      .createTransaction(saleRequest(serviceId, { amount: 99 }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessRuleError);
    expect((err as BusinessRuleError).code).toBe('TRX-ERROR-180400');
  });
});
