import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { Receiver } from '../notifications/receiver.js';
import { Http } from '../support/http.js';
import { saleBody } from '../support/payloads.js';
import {
  DashboardClient,
  drainNotifications,
  hiddenCsrf,
  registerWithChallengeAndDebit,
  TEST_PANS,
  type Scenario,
} from './support.js';

const ADMIN = 'a'.repeat(40);

/** Issue 18 item 1, over HTTP: sign-in, CSRF, the production switch, masking, resend, the request log. */
for (const db of DB_KINDS) {
  describe(`dashboard over HTTP (${db})`, () => {
    let gw: TestGateway;
    let receiver: Receiver;
    let s: Scenario;
    let dash: DashboardClient;

    beforeAll(async () => {
      receiver = await Receiver.start();
      gw = await startGateway({
        db,
        shop: { notificationUrl: receiver.url() },
        env: { KARTOTEKA_ADMIN_TOKEN: ADMIN, KARTOTEKA_AUTH_FAILURE_LIMIT: '5' },
      });
      s = await registerWithChallengeAndDebit(gw.merchant);
      await drainNotifications(gw);
      dash = await DashboardClient.signIn(gw.url, gw.merchant.token);
    });
    afterAll(async () => {
      await gw?.close();
      await receiver?.close();
    });

    it('a bad token is refused, and failed sign-ins count against the address (429 past the budget)', async () => {
      const bad = await DashboardClient.trySignIn(gw.url, 'not-a-token');
      expect(bad).toBeInstanceOf(Response);
      expect((bad as Response).status).toBe(401);
      expect((bad as Response).headers.getSetCookie().join()).not.toContain('kartoteka_dashboard=');
      let last = 401;
      for (let i = 0; i < 6; i++)
        last = ((await DashboardClient.trySignIn(gw.url, `wrong-${i}`)) as Response).status;
      expect(last).toBe(429);
    });

    it('the session cookie is HttpOnly and SameSite=Strict; without a session pages send you to sign in', async () => {
      const page = await fetch(`${gw.url}/dashboard/sign-in`);
      expect(page.headers.getSetCookie()[0]).toMatch(/HttpOnly; SameSite=Strict/);
      const anon = await fetch(`${gw.url}/dashboard/transactions`, { redirect: 'manual' });
      expect(anon.status).toBe(303);
      expect(anon.headers.get('location')).toBe('/dashboard/sign-in');
    });

    it('a successful sign-in sets each cookie once (the session, and the cleared sign-in cookie)', async () => {
      const page = await fetch(`${gw.url}/dashboard/sign-in`);
      const pre = page.headers.getSetCookie().map((c) => c.split(';')[0]!);
      const res = await fetch(`${gw.url}/dashboard/sign-in`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: pre.join('; '),
          origin: gw.url,
        },
        body: new URLSearchParams({
          csrf: hiddenCsrf(await page.text()),
          token: gw.merchant.token,
        }).toString(),
        redirect: 'manual',
      });
      expect(res.status).toBe(303);
      const names = res.headers.getSetCookie().map((c) => c.split('=')[0]);
      expect(names).toEqual(['kartoteka_dashboard', 'kartoteka_sign_in']);
    });

    it('POST without the CSRF token, with a wrong one, or from another origin is 403 and does nothing', async () => {
      const tl = await dash.get(`/dashboard/transactions/${s.registrationId}`);
      const nid = /notifications\/([0-9a-f-]+)\/resend/.exec(tl.text)![1]!;
      const before = receiver.received.length;
      const path = `/dashboard/transactions/${s.registrationId}/notifications/${nid}/resend`;
      expect((await dash.post(path, {})).status).toBe(403);
      expect((await dash.post(path, { csrf: 'forged' })).status).toBe(403);
      expect((await dash.post(path, { csrf: dash.csrf }, { origin: 'https://evil.example' })).status).toBe(
        403,
      );
      expect((await dash.post(path, { csrf: dash.csrf }, { 'sec-fetch-site': 'cross-site' })).status).toBe(
        403,
      );
      expect((await dash.post(`/dashboard/profiles/${s.profileId}/deactivate`, { csrf: 'x' })).status).toBe(
        403,
      );
      await drainNotifications(gw);
      expect(receiver.received.length).toBe(before);
      const profile = await gw.merchant.api.get<{ paymentProfile: { isActive: number } }>(
        `/profile/id/${s.profileId}`,
      );
      expect(profile.body.paymentProfile.isActive).toBe(1);
    });

    it("the detail page shows the whole timeline and every attempt's URL, status, excerpt and signature", async () => {
      const page = await dash.get(`/dashboard/transactions/${s.registrationId}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      for (const text of [
        'Created: sale',
        '3-D Secure: challenge requested',
        '3-D Secure: challenge passed',
        'after authorization',
        'CODE_000',
      ]) {
        expect(page.text).toContain(text);
      }
      const sent = receiver.received.find((r) => r.body.toString().includes(s.registrationId))!;
      expect(page.text).toContain(String(sent.headers['x-imoje-signature']));
      expect(page.text).toContain(receiver.url());
      expect(page.text).toContain('{&quot;status&quot;:&quot;ok&quot;}');
      expect(page.text).toContain('****1112');
    });

    it('Resend delivers the same notification again to the receiver', async () => {
      const page = await dash.get(`/dashboard/transactions/${s.debitId}`);
      const nid = /notifications\/([0-9a-f-]+)\/resend/.exec(page.text)![1]!;
      const first = receiver.received.filter((r) => r.body.toString().includes(s.debitId));
      expect(first).toHaveLength(1);
      const res = await dash.post(`/dashboard/transactions/${s.debitId}/notifications/${nid}/resend`, {
        csrf: dash.csrf,
      });
      expect(res.status).toBe(303);
      await drainNotifications(gw);
      const again = receiver.received.filter((r) => r.body.toString().includes(s.debitId));
      expect(again).toHaveLength(2);
      expect(again[1]!.body.equals(again[0]!.body)).toBe(true);
      const after = await dash.get(`/dashboard/transactions/${s.debitId}`);
      expect(after.text.match(/<td data-label="HTTP status">200<\/td>/g)).toHaveLength(2);
    });

    it("another merchant's token sees none of it and cannot resend its notifications", async () => {
      const other = await gw.newMerchant();
      const them = await DashboardClient.signIn(gw.url, other.token);
      expect((await them.get(`/dashboard/transactions/${s.registrationId}`)).status).toBe(404);
      expect((await them.get('/dashboard/transactions')).text).not.toContain(s.registrationId);
      const page = await dash.get(`/dashboard/transactions/${s.registrationId}`);
      const nid = /notifications\/([0-9a-f-]+)\/resend/.exec(page.text)![1]!;
      const res = await them.post(`/dashboard/transactions/${s.registrationId}/notifications/${nid}/resend`, {
        csrf: them.csrf,
      });
      expect(res.status).toBe(404);
    });

    it('search and filters: by cid, status and amount', async () => {
      const byCid = await dash.get(`/dashboard/transactions?cid=${encodeURIComponent(s.cid)}`);
      expect(byCid.text).toContain(s.registrationId);
      expect(byCid.text).toContain(s.debitId);
      const rejected = await dash.get(
        `/dashboard/transactions?cid=${encodeURIComponent(s.cid)}&status=rejected`,
      );
      expect(rejected.text).toContain('No transactions match.');
      const small = await dash.get(
        `/dashboard/transactions?cid=${encodeURIComponent(s.cid)}&amountMax=16.00`,
      );
      expect(small.text).toContain(s.debitId);
      expect(small.text).not.toContain(s.registrationId);
      const bad = await dash.get('/dashboard/transactions?amountMin=ten');
      expect(bad.status).toBe(422);
      expect(bad.text).toContain('write an amount like 10 or 10.50');
    });

    it('the request log shows the API requests, card masked and CVV dropped', async () => {
      await gw.gateway.app.ready();
      // The log is batched off the request path: wait for its batch.
      let page = await dash.get('/dashboard/requests');
      for (let i = 0; i < 50 && !page.text.includes('/transaction/profile'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        page = await dash.get('/dashboard/requests');
      }
      expect(page.text).toContain('POST /v1/merchant/');
      expect(page.text).toContain('****1112');
      // The card object is there (masked), its cvv key is not.
      expect(page.text).toContain('&quot;card&quot;');
      expect(page.text).not.toMatch(/&quot;cvv&quot;/i);
    });

    it('no page shows a clear card number', async () => {
      const paths = [
        '/dashboard/overview',
        '/dashboard/transactions',
        `/dashboard/transactions?cid=${encodeURIComponent(s.cid)}`,
        `/dashboard/transactions/${s.registrationId}`,
        `/dashboard/transactions/${s.debitId}`,
        `/dashboard/profiles?cid=${encodeURIComponent(s.cid)}`,
        '/dashboard/requests',
      ];
      for (const path of paths) {
        const page = await dash.get(path);
        expect(page.status, path).toBe(200);
        for (const pan of TEST_PANS) expect(page.text, `${path} shows ${pan}`).not.toContain(pan);
        expect(page.text, path).not.toMatch(/\b\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{4}\b/);
      }
    });

    it('profiles by cid, deactivated with the form', async () => {
      const page = await dash.get(`/dashboard/profiles?cid=${encodeURIComponent(s.cid)}`);
      expect(page.text).toContain(s.profileId);
      const res = await dash.post(`/dashboard/profiles/${s.profileId}/deactivate`, { csrf: dash.csrf });
      expect(res.status).toBe(303);
      const profile = await gw.merchant.api.get<{ paymentProfile: { isActive: number } }>(
        `/profile/id/${s.profileId}`,
      );
      expect(profile.body.paymentProfile.isActive).toBe(0);
    });

    it('an operator signs in with the admin token and sees every merchant', async () => {
      const op = await DashboardClient.signIn(gw.url, ADMIN);
      const list = await op.get('/dashboard/transactions');
      expect(list.text).toContain(s.registrationId);
      expect(list.text).toContain('Operator (all merchants)');
      expect((await op.get(`/dashboard/transactions/${s.debitId}`)).status).toBe(200);
    });

    it('revoking the token a session was opened with ends that session', async () => {
      const other = await gw.newMerchant();
      const extra = await gw.gateway.accounts.createToken(other.merchantId, 'dashboard');
      const c = await DashboardClient.signIn(gw.url, extra.token);
      expect((await c.get('/dashboard/transactions')).status).toBe(200);
      expect(await gw.gateway.accounts.revokeToken(extra.id)).toBe(true);
      expect((await c.get('/dashboard/transactions')).status).toBe(303);
      // Refused (401, or 429: the failed sign-ins above spent this address's budget).
      const again = await DashboardClient.trySignIn(gw.url, extra.token);
      expect(again).toBeInstanceOf(Response);
      expect([401, 429]).toContain((again as Response).status);
    });

    it('signing out ends the session', async () => {
      const c = await DashboardClient.signIn(gw.url, gw.merchant.token);
      expect((await c.post('/dashboard/sign-out', { csrf: c.csrf })).status).toBe(303);
      expect((await c.get('/dashboard/transactions')).status).toBe(303);
    });
  });
}

describe('the dashboard in production mode', () => {
  const prodEnv = { KARTOTEKA_MODE: 'production', KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'on' };
  it('is off unless KARTOTEKA_DASHBOARD=on', async () => {
    const off = await startGateway({ env: prodEnv });
    try {
      expect((await off.http.get('/dashboard/sign-in')).status).toBe(404);
      expect((await off.http.get('/')).text).not.toContain('href="/dashboard"');
    } finally {
      await off.close();
    }
    const on = await startGateway({ env: { ...prodEnv, KARTOTEKA_DASHBOARD: 'on' } });
    try {
      expect((await on.http.get('/dashboard/sign-in')).status).toBe(200);
      expect((await on.http.get('/')).text).toContain('href="/dashboard"');
      const c = await DashboardClient.signIn(on.url, on.merchant.token);
      expect((await c.get('/dashboard/transactions')).status).toBe(200);
    } finally {
      await on.close();
    }
  });

  it('sets the Secure cookie attribute when the public URL is https', async () => {
    const gw = await startGateway({
      env: { ...prodEnv, KARTOTEKA_DASHBOARD: 'on', KARTOTEKA_PUBLIC_URL: 'https://pay.example' },
    });
    try {
      const port = (gw.gateway.app.server.address() as { port: number }).port;
      const page = await fetch(`http://127.0.0.1:${port}/dashboard/sign-in`);
      expect(page.headers.getSetCookie()[0]).toMatch(/; Secure$/);
    } finally {
      await gw.close();
    }
  });
});

for (const db of DB_KINDS) {
  describe(`the dashboard's webhook inbox page (${db})`, () => {
    it("shows what the sandbox shop's notifications brought to the inbox, signature verified; not in production", async () => {
      const gw = await startGateway({ db, env: { KARTOTEKA_BOOTSTRAP: 'on' } });
      try {
        const sandbox = gw.gateway.sandbox!;
        const api = new Http(`${gw.url}/v1/merchant/${sandbox.merchantId}`, {
          authorization: `Bearer ${sandbox.token}`,
        });
        const sale = await api.post<{ transaction: { id: string } }>(
          '/transaction',
          saleBody(sandbox.serviceId, { paymentMethodCode: 'ecom3ds' }),
        );
        expect(sale.status).toBe(200);
        await drainNotifications(gw);
        const dash = await DashboardClient.signIn(gw.url, sandbox.token);
        const page = await dash.get('/dashboard/inbox');
        expect(page.status).toBe(200);
        expect(page.text).toContain('href="/dashboard/inbox"');
        expect(page.text).toContain(`/dashboard/transactions/${sale.body.transaction.id}`);
        expect(page.text).toContain('signature verified');
        expect(page.text).not.toContain('signature NOT verified');
        for (const pan of TEST_PANS) expect(page.text).not.toContain(pan);
      } finally {
        await gw.close();
      }
      const prod = await startGateway({
        db,
        env: {
          KARTOTEKA_MODE: 'production',
          KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'on',
          KARTOTEKA_DASHBOARD: 'on',
        },
      });
      try {
        const dash = await DashboardClient.signIn(prod.url, prod.merchant.token);
        expect((await dash.get('/dashboard/overview')).text).not.toContain('href="/dashboard/inbox"');
        expect((await dash.get('/dashboard/inbox')).status).toBe(404);
      } finally {
        await prod.close();
      }
    });
  });
}
