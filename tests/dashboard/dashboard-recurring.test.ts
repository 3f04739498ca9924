import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { Http } from '../support/http.js';
import { saleBody } from '../support/payloads.js';
import { DashboardClient, TEST_PANS } from './support.js';

/** The schedules and test clock pages, over the recurring branches' use cases (sandbox). */
for (const db of DB_KINDS) {
  describe(`dashboard: schedules and the test clock (${db})`, () => {
    let gw: TestGateway;
    let dash: DashboardClient;
    beforeAll(async () => {
      gw = await startGateway({ db });
      dash = await DashboardClient.signIn(gw.url, gw.merchant.token);
    });
    afterAll(() => gw?.close());

    it('freeze the shop, schedule a debit, advance past it, see the payment, pause the schedule', async () => {
      const m = gw.merchant;
      const start = await dash.get('/dashboard/test-clock');
      expect(start.text).toContain('Real time.');
      // Within the test card's validity (it expires in FUTURE_YEAR).
      const day = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const at = `${day}T00:00:00.000Z`;
      const frozen = await dash.post(`/dashboard/test-clock/${m.serviceId}/freeze`, { csrf: dash.csrf, at });
      expect(frozen.status).toBe(303);
      expect((await dash.get('/dashboard/test-clock')).text).toContain(`datetime="${at}"`);

      const reg = await m.api.post<{ transaction: { status: string; paymentProfile: { id: string } } }>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'recurring' }),
      );
      expect(reg.body.transaction.status).toBe('settled');
      const ext = new Http(`${gw.url}/kartoteka/v1/merchant/${m.merchantId}`, {
        authorization: `Bearer ${m.token}`,
      });
      const created = await ext.post<{ schedule: { id: string } }>('/schedules', {
        paymentProfileId: reg.body.transaction.paymentProfile.id,
        amount: 4900,
        currency: 'PLN',
        title: 'Monthly plan',
        interval: { unit: 'month', count: 1 },
        startAt: Date.parse(at) / 1000 + 86_400,
      });
      expect(created.status, created.text).toBe(200);

      const advanced = await dash.post(`/dashboard/test-clock/${m.serviceId}/advance`, {
        csrf: dash.csrf,
        by: '2d',
      });
      expect(advanced.status).toBe(303);
      expect(new URL(advanced.headers.get('location')!, gw.url).searchParams.get('done')).toBe(
        `advanced to ${new Date(Date.parse(at) + 2 * 86_400_000).toISOString()}`,
      );

      const list = await dash.get('/dashboard/schedules');
      expect(list.text).toContain('Monthly plan');
      const paid = /href="\/dashboard\/transactions\/([0-9a-f-]+)"/.exec(list.text);
      expect(paid, 'the cycle paid, and the page links to its payment').not.toBeNull();
      const payment = await dash.get(`/dashboard/transactions/${paid![1]}`);
      expect(payment.status).toBe(200);
      expect(payment.text).toContain('Status <span class="badge ok">settled</span>');
      for (const pan of TEST_PANS) expect(list.text + payment.text).not.toContain(pan);

      expect((await dash.post(`/dashboard/schedules/${created.body.schedule.id}/pause`, {})).status).toBe(
        403,
      );
      const paused = await dash.post(`/dashboard/schedules/${created.body.schedule.id}/pause`, {
        csrf: dash.csrf,
      });
      expect(paused.status).toBe(303);
      const read = await ext.get<{ schedule: { status: string } }>(`/schedules/${created.body.schedule.id}`);
      expect(read.body.schedule.status).toBe('paused');

      expect(
        (await dash.post(`/dashboard/test-clock/${m.serviceId}/remove`, { csrf: dash.csrf })).status,
      ).toBe(303);
      expect((await dash.get('/dashboard/test-clock')).text).toContain('Real time.');
    });
  });
}

describe('dashboard in production: no test clock page', () => {
  it('is neither linked nor served; schedules are', async () => {
    const gw = await startGateway({
      env: {
        KARTOTEKA_MODE: 'production',
        KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'on',
        KARTOTEKA_DASHBOARD: 'on',
      },
    });
    try {
      const dash = await DashboardClient.signIn(gw.url, gw.merchant.token);
      const page = await dash.get('/dashboard/schedules');
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('href="/dashboard/test-clock"');
      expect((await dash.get('/dashboard/test-clock')).status).toBe(404);
    } finally {
      await gw.close();
    }
  });
});
