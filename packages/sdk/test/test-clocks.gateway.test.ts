import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../../../tests/support/gateway.js';
import {
  ConflictError,
  NotFoundError,
  PermissionError,
  TestClocksClient,
  ValidationError,
  type KartotekaClient,
} from '../src/index.js';
import { clientFor, saleRequest } from './support.js';

describe('TestClocks against the real gateway (sandbox)', () => {
  let gw: TestGateway;
  let clocks: TestClocksClient;
  let client: KartotekaClient;

  beforeAll(async () => {
    gw = await startGateway();
    clocks = new TestClocksClient({
      gatewayUrl: gw.url,
      merchantId: gw.merchant.merchantId,
      token: gw.merchant.token,
      retryBaseDelayMs: 10,
    });
    client = clientFor(gw, gw.merchant);
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('freeze, get, advance by and to, delete; payments carry the frozen time', async () => {
    const serviceId = gw.merchant.serviceId;
    await expect(clocks.get(serviceId)).rejects.toBeInstanceOf(NotFoundError);
    const year = new Date().getUTCFullYear() + 1;
    const { testClock } = await clocks.freeze(serviceId, `${year}-01-31T08:00:00Z`);
    expect(testClock).toEqual({
      serviceId,
      frozenAt: `${year}-01-31T08:00:00.000Z`,
      advancingTo: null,
      advancing: false,
    });
    await expect(clocks.freeze(serviceId)).rejects.toBeInstanceOf(ConflictError);

    const month = await clocks.advance(serviceId, { by: '1mo' });
    expect(month.advance).toMatchObject({ from: `${year}-01-31T08:00:00.000Z`, steps: 1 });
    expect(month.testClock.frozenAt).toMatch(new RegExp(`^${year}-02-2[89]T08:00:00.000Z$`));
    const to = await clocks.advance(serviceId, { to: `${year}-06-01` });
    expect(to.testClock.frozenAt).toBe(`${year}-06-01T00:00:00.000Z`);
    expect((await clocks.get(serviceId)).testClock.frozenAt).toBe(`${year}-06-01T00:00:00.000Z`);
    await expect(clocks.advance(serviceId, { by: 'later' })).rejects.toBeInstanceOf(ValidationError);

    const sale = await client.createTransaction(saleRequest(serviceId));
    expect(sale.transaction.created).toBe(Date.parse(`${year}-06-01T00:00:00Z`) / 1000);

    expect(await clocks.delete(serviceId)).toEqual({ testClock: null });
    await expect(clocks.get(serviceId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a retried advance with the same Idempotency-Key advances once and answers the same', async () => {
    const m = await gw.newMerchant();
    const own = new TestClocksClient({ gatewayUrl: gw.url, merchantId: m.merchantId, token: m.token });
    await own.freeze(m.serviceId, '2030-01-01T00:00:00Z');
    const first = await own.advance(m.serviceId, { by: '7d' }, { idempotencyKey: 'advance-once' });
    const again = await own.advance(m.serviceId, { by: '7d' }, { idempotencyKey: 'advance-once' });
    expect(again).toEqual(first);
    expect((await own.get(m.serviceId)).testClock.frozenAt).toBe('2030-01-08T00:00:00.000Z');
  });

  it('client.testClocks: the same clock from the one KartotekaClient, idempotent advances included', async () => {
    const m = await gw.newMerchant();
    const own = clientFor(gw, m);
    expect((await own.testClocks.freeze(m.serviceId, '2031-03-01T00:00:00Z')).testClock.frozenAt).toBe(
      '2031-03-01T00:00:00.000Z',
    );
    const first = await own.testClocks.advance(m.serviceId, { by: '1d' }, { idempotencyKey: 'client-adv' });
    expect(await own.testClocks.advance(m.serviceId, { by: '1d' }, { idempotencyKey: 'client-adv' })).toEqual(
      first,
    );
    expect((await own.testClocks.get(m.serviceId)).testClock.frozenAt).toBe('2031-03-02T00:00:00.000Z');
    expect(await own.testClocks.delete(m.serviceId)).toEqual({ testClock: null });
    await expect(own.testClocks.get(m.serviceId)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('TestClocks against a production gateway', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      env: { KARTOTEKA_MODE: 'production', KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'on' },
    });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('is refused with PermissionError CLK-ERROR-230403', async () => {
    const clocks = new TestClocksClient({
      gatewayUrl: gw.url,
      merchantId: gw.merchant.merchantId,
      token: gw.merchant.token,
    });
    const err = await clocks.freeze(gw.merchant.serviceId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionError);
    expect((err as PermissionError).code).toBe('CLK-ERROR-230403');
    const viaClient = await clientFor(gw, gw.merchant)
      .testClocks.freeze(gw.merchant.serviceId)
      .catch((e: unknown) => e);
    expect(viaClient).toBeInstanceOf(PermissionError);
  });
});
