import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { Http } from '../support/http.js';
import { saleBody } from '../support/payloads.js';
import { expectError, type TransactionResponse } from '../support/wire.js';
import {
  attemptTransactions,
  DAY,
  recurringRig,
  type RecurringRig,
  type ScheduleJson,
} from '../recurring/support.js';

const T0 = Date.UTC(2027, 0, 15, 10);

for (const db of DB_KINDS) {
  describe(`schedules API (${db})`, () => {
    let rig: RecurringRig;
    let profileId: string;
    beforeAll(async () => {
      rig = await recurringRig(db, T0);
      profileId = await rig.register({ number: '4111111111111111', month: '12', year: '2030' });
    });
    afterAll(async () => {
      await rig?.close();
    });

    const body = (extra: Record<string, unknown> = {}) => ({
      paymentProfileId: profileId,
      amount: 4900,
      currency: 'PLN',
      interval: { unit: 'month', count: 1 },
      startAt: Math.floor((rig.clock.now() + 10 * DAY) / 1000),
      ...extra,
    });

    it('creates, reads and lists a schedule', async () => {
      const s = await rig.createSchedule(body({ title: 'Gold plan', maxCycles: 12 }));
      expect(s).toMatchObject({
        status: 'active',
        paymentProfileId: profileId,
        cycle: 1,
        attempts: 0,
        cyclesSettled: 0,
        endReason: null,
      });
      expect(await rig.getSchedule(s.id)).toEqual(s);
      const list = await rig.ext.get<{ schedules: ScheduleJson[] }>(
        `/schedules?paymentProfileId=${profileId}`,
      );
      expect(list.status).toBe(200);
      expect(list.body.schedules.map((x) => x.id)).toContain(s.id);
      const paused = await rig.ext.get<{ schedules: ScheduleJson[] }>('/schedules?status=paused');
      expect(paused.body.schedules.map((x) => x.id)).not.toContain(s.id);
    });

    it('refuses a profile that is not RECURRING, an unknown profile, bad terms', async () => {
      const m = rig.merchant;
      const oneclick = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId, {}));
      const oneclickId = oneclick.body.transaction.paymentProfile!.id;
      expectError(
        await rig.ext.post('/schedules', body({ paymentProfileId: oneclickId })),
        400,
        'RCR-ERROR-220400',
      );
      expectError(
        await rig.ext.post('/schedules', body({ paymentProfileId: '6f1c1a8e-4b1e-4a55-9d6b-0c9f5b0d2a11' })),
        404,
        'PRF-ERROR-130404',
      );
      expectError(
        await rig.ext.post('/schedules', body({ interval: { unit: 'month', count: 13 } })),
        422,
        'RCR-ERROR-220422',
      );
      expectError(
        await rig.ext.post('/schedules', body({ interval: { unit: 'hour', count: 1 } })),
        422,
        'API-ERROR-100422',
      );
      expectError(
        await rig.ext.post('/schedules', body({ startAt: Math.floor(T0 / 1000) - 86_400 })),
        422,
        'RCR-ERROR-220422',
      );
      expectError(await rig.ext.post('/schedules', body({ amount: 0 })), 422);
    });

    it('pause charges nothing; resume continues with the first cycle due after it; cancel is final', async () => {
      const s = await rig.createSchedule(body({ interval: { unit: 'week', count: 1 } }));
      const paused = await rig.ext.post<{ schedule: ScheduleJson }>(`/schedules/${s.id}/pause`, {});
      expect(paused.body.schedule.status).toBe('paused');
      expect(paused.body.schedule.nextChargeAt).toBeNull();
      // Pausing again answers the schedule as it is.
      expect(
        (await rig.ext.post<{ schedule: ScheduleJson }>(`/schedules/${s.id}/pause`, {})).body.schedule.status,
      ).toBe('paused');
      await rig.advanceTo(rig.clock.now() + 30 * DAY);
      expect((await attemptTransactions(rig, s.id)).size).toBe(0);
      const resumed = await rig.ext.post<{ schedule: ScheduleJson }>(`/schedules/${s.id}/resume`, {});
      expect(resumed.body.schedule.status).toBe('active');
      expect(resumed.body.schedule.cycle).toBeGreaterThan(1);
      expect(resumed.body.schedule.nextChargeAt! * 1000).toBeGreaterThanOrEqual(rig.clock.now());
      // The next week's cycle is charged; nothing of the paused weeks is.
      await rig.advanceTo(resumed.body.schedule.nextChargeAt! * 1000 + 1000);
      expect((await attemptTransactions(rig, s.id)).size).toBe(1);
      const cancelled = await rig.ext.post<{ schedule: ScheduleJson }>(`/schedules/${s.id}/cancel`, {});
      expect(cancelled.body.schedule.status).toBe('cancelled');
      expectError(await rig.ext.post(`/schedules/${s.id}/resume`, {}), 409, 'RCR-ERROR-220409');
      await rig.advanceTo(rig.clock.now() + 30 * DAY);
      expect((await attemptTransactions(rig, s.id)).size).toBe(1);
    });

    it('maxCycles ends the schedule after its last cycle', async () => {
      const s = await rig.createSchedule(body({ interval: { unit: 'day', count: 1 }, maxCycles: 3 }));
      await rig.advanceTo(rig.clock.now() + 20 * DAY);
      expect((await attemptTransactions(rig, s.id)).size).toBe(3);
      expect(await rig.getSchedule(s.id)).toMatchObject({
        status: 'ended',
        endReason: 'completed',
        cyclesSettled: 3,
      });
    });

    it('404 for an unknown or another merchant’s schedule; 401 without the token; nothing under imoje’s prefix', async () => {
      const s = await rig.createSchedule(body());
      expectError(
        await rig.ext.get('/schedules/6f1c1a8e-4b1e-4a55-9d6b-0c9f5b0d2a11'),
        404,
        'RCR-ERROR-220404',
      );
      const other = await rig.gw.newMerchant();
      const otherExt = new Http(`${rig.gw.url}/kartoteka/v1/merchant/${other.merchantId}`, {
        authorization: `Bearer ${other.token}`,
      });
      expectError(await otherExt.get(`/schedules/${s.id}`), 404, 'RCR-ERROR-220404');
      expectError(await otherExt.post(`/schedules/${s.id}/cancel`, {}), 404, 'RCR-ERROR-220404');
      const anonymous = new Http(`${rig.gw.url}/kartoteka/v1/merchant/${rig.merchant.merchantId}`);
      expectError(await anonymous.get('/schedules'), 401, 'API-ERROR-100401');
      const wrongMerchant = new Http(`${rig.gw.url}/kartoteka/v1/merchant/${other.merchantId}`, {
        authorization: `Bearer ${rig.merchant.token}`,
      });
      expectError(await wrongMerchant.get('/schedules'), 401);
      expectError(await rig.merchant.api.get('/schedules'), 404, 'API-ERROR-100404');
    });
  });
}
