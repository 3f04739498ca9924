import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../../../tests/support/gateway.js';
import {
  AuthenticationError,
  ConflictError,
  isScheduleEvent,
  NotFoundError,
  SchedulesClient,
  type KartotekaClient,
} from '../src/index.js';
import { clientFor, orderId, saleRequest, testCard } from './support.js';

describe('SchedulesClient against the real gateway', () => {
  let gw: TestGateway;
  let client: KartotekaClient;
  let schedules: SchedulesClient;

  beforeAll(async () => {
    gw = await startGateway();
    client = clientFor(gw, gw.merchant);
    schedules = new SchedulesClient({
      gatewayUrl: gw.url,
      merchantId: gw.merchant.merchantId,
      token: gw.merchant.token,
      retryBaseDelayMs: 10,
    });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('create, get, list, pause, resume and cancel', async () => {
    const reg = await client.createTransaction({
      ...saleRequest(gw.merchant.serviceId, { paymentMethodCode: 'recurring', orderId: orderId() }),
      card: testCard(),
    });
    const profileId = reg.transaction.paymentProfile!.id;
    const startAt = Math.floor(Date.now() / 1000) + 86_400;
    const { schedule } = await schedules.create({
      paymentProfileId: profileId,
      amount: 4900,
      currency: 'PLN',
      interval: { unit: 'month', count: 1 },
      startAt,
    });
    expect(schedule).toMatchObject({ status: 'active', paymentProfileId: profileId, nextChargeAt: startAt });
    expect((await schedules.get(schedule.id)).schedule).toEqual(schedule);
    expect((await schedules.list({ paymentProfileId: profileId })).schedules.map((s) => s.id)).toEqual([
      schedule.id,
    ]);
    expect((await schedules.list({ status: 'paused' })).schedules).toEqual([]);
    expect((await schedules.pause(schedule.id)).schedule.status).toBe('paused');
    expect((await schedules.resume(schedule.id)).schedule.status).toBe('active');
    expect((await schedules.cancel(schedule.id)).schedule.status).toBe('cancelled');
    await expect(schedules.resume(schedule.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(schedules.get('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('client.schedules is the same resource, reached from the one KartotekaClient', async () => {
    const reg = await client.createTransaction(
      saleRequest(gw.merchant.serviceId, { paymentMethodCode: 'recurring' }),
    );
    const profileId = reg.transaction.paymentProfile!.id;
    const { schedule } = await client.schedules.create({
      paymentProfileId: profileId,
      amount: 1500,
      currency: 'PLN',
      interval: { unit: 'week', count: 2 },
      startAt: Math.floor(Date.now() / 1000) + 3600,
    });
    expect(schedule).toMatchObject({ status: 'active', paymentProfileId: profileId, amount: 1500 });
    // The standalone class sees what the client property made: the same endpoint, merchant and token.
    expect((await schedules.get(schedule.id)).schedule).toEqual(schedule);
    expect((await client.schedules.list({ paymentProfileId: profileId })).schedules).toEqual([schedule]);
    expect((await client.schedules.cancel(schedule.id)).schedule.status).toBe('cancelled');
    const stranger = clientFor(gw, { ...gw.merchant, token: 'x'.repeat(48) });
    await expect(stranger.schedules.list()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refuses a wrong token; tells a schedule event from an imoje notification', async () => {
    const wrong = new SchedulesClient({
      gatewayUrl: gw.url,
      merchantId: gw.merchant.merchantId,
      token: 'x'.repeat(48),
    });
    await expect(wrong.list()).rejects.toBeInstanceOf(AuthenticationError);
    expect(isScheduleEvent({ kartoteka: { event: 'schedule.ended' } })).toBe(true);
    expect(isScheduleEvent({ transaction: {}, payment: {} })).toBe(false);
  });
});
