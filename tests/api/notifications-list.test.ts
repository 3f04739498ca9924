import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { MAX_ATTEMPTS } from '../../src/notifications/retry-schedule.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { Http } from '../support/http.js';
import { saleBody } from '../support/payloads.js';
import { Receiver } from '../notifications/receiver.js';

interface Attempt {
  attemptedAt: string;
  url: string | null;
  httpStatus: number | null;
  error: string | null;
  responseExcerpt: string | null;
  signature: string | null;
}
interface Notification {
  id: string;
  transactionId: string;
  status: string;
  url: string;
  createdAt: string;
  body: string;
  deliveryAttempts: Attempt[];
}
interface Page {
  notifications: Notification[];
  nextCursor: string | null;
}

for (const db of DB_KINDS) {
  describe(`${db}: GET/POST /kartoteka/v1/merchant/{id}/notifications`, () => {
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
    let gw: TestGateway;
    let receiver: Receiver;
    let ext: Http;
    let downIsUp = false;
    const tx: { ok: string[]; failed: string; pending: string } = { ok: [], failed: '', pending: '' };

    async function pay(path: string): Promise<string> {
      const res = await gw.merchant.api.post<{ transaction: { id: string } }>(
        '/transaction',
        saleBody(gw.merchant.serviceId, { notificationUrl: receiver.url(path) }),
      );
      expect(res.status).toBe(200);
      await gw.gateway.worker.tick();
      clock.advance(1000);
      return res.body.transaction.id;
    }

    beforeAll(async () => {
      receiver = await Receiver.start();
      receiver.answer = (_n, path) => ({ status: path === '/down' && !downIsUp ? 503 : 200 });
      gw = await startGateway({ db, clock });
      ext = new Http(`${gw.url}/kartoteka/v1/merchant/${gw.merchant.merchantId}`, {
        authorization: `Bearer ${gw.merchant.token}`,
      });
      for (let i = 0; i < 3; i++) tx.ok.push(await pay('/ok'));
      tx.failed = await pay('/down');
      for (let i = 1; i < MAX_ATTEMPTS; i++) {
        clock.advance(13 * 3_600_000);
        await gw.gateway.worker.tick();
      }
      tx.pending = await pay('/down');
    }, 120_000);
    afterAll(async () => {
      await gw?.close();
      await receiver?.close();
    });

    const list = async (query = '') => {
      const res = await ext.get<Page>(`/notifications${query}`);
      expect(res.status, res.text).toBe(200);
      return res.body;
    };

    it('lists every notification of the merchant, newest first, each with its delivery attempts', async () => {
      const all = await list();
      expect(all.nextCursor).toBeNull();
      expect(all.notifications.map((n) => n.transactionId)).toEqual([
        tx.pending,
        tx.failed,
        ...tx.ok.reverse(),
      ]);
      tx.ok.reverse();
      const delivered = all.notifications.find((n) => n.transactionId === tx.ok[0])!;
      expect(delivered.status).toBe('delivered');
      expect(delivered.deliveryAttempts).toHaveLength(1);
      const sent = receiver.received.find(
        (r) => JSON.parse(r.body.toString('utf8')).transaction.id === tx.ok[0],
      )!;
      expect(delivered.deliveryAttempts[0]).toMatchObject({
        url: receiver.url('/ok'),
        httpStatus: 200,
        error: null,
        responseExcerpt: '{"status":"ok"}',
        signature: sent.headers['x-imoje-signature'],
      });
      expect(sent.body.toString('utf8')).toBe(delivered.body);
      const failed = all.notifications.find((n) => n.transactionId === tx.failed)!;
      expect(failed.status).toBe('failed');
      expect(failed.deliveryAttempts).toHaveLength(MAX_ATTEMPTS);
      expect(failed.deliveryAttempts.every((a) => a.httpStatus === 503 && a.error === 'HTTP 503')).toBe(true);
      expect(failed.deliveryAttempts[0]!.responseExcerpt).toBe('{"status":"error"}');
      // Card numbers only masked, anywhere in it.
      expect(JSON.stringify(all)).not.toMatch(/4111111111111111/);
    });

    it('filters by status, transaction and time', async () => {
      expect((await list('?status=delivered')).notifications.map((n) => n.transactionId).sort()).toEqual(
        [...tx.ok].sort(),
      );
      expect((await list('?status=failed')).notifications.map((n) => n.transactionId)).toEqual([tx.failed]);
      expect((await list('?status=pending')).notifications.map((n) => n.transactionId)).toEqual([tx.pending]);
      expect((await list(`?transactionId=${tx.ok[1]}`)).notifications.map((n) => n.transactionId)).toEqual([
        tx.ok[1],
      ]);
      const all = (await list()).notifications;
      const second = all.find((n) => n.transactionId === tx.ok[1])!;
      const third = all.find((n) => n.transactionId === tx.ok[2])!;
      const fromTo = await list(
        `?from=${encodeURIComponent(second.createdAt)}&to=${encodeURIComponent(third.createdAt)}`,
      );
      expect(fromTo.notifications.map((n) => n.transactionId)).toEqual([tx.ok[2], tx.ok[1]]);
      expect(
        (await list(`?status=delivered&from=${encodeURIComponent(third.createdAt)}`)).notifications,
      ).toHaveLength(1);
    });

    it('pages with an opaque cursor in a stable order: nothing twice, nothing missed, even as new ones arrive', async () => {
      const all = (await list()).notifications.map((n) => n.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(page.notifications.length).toBeLessThanOrEqual(2);
        seen.push(...page.notifications.map((n) => n.id));
        cursor = page.nextCursor;
        // A notification created mid-listing is newer than the cursor: it shows on the first page, not here.
        if (pages++ === 0) await pay('/ok');
      } while (cursor);
      expect(seen).toEqual(all);
      expect(pages).toBe(3);
      expect((await list('?status=delivered&limit=1')).nextCursor).not.toBeNull();
    });

    it.each([
      ['limit=101', 'limit'],
      ['limit=0', 'limit'],
      ['cursor=bm9wZQ', 'cursor'],
      ['status=bounced', 'status'],
      ['from=yesterday', 'from'],
      ['colour=blue', ''],
    ])('?%s is a 422 envelope', async (query, property) => {
      const res = await ext.get<{ apiErrorResponse: { code: string; errors: Array<{ property: string }> } }>(
        `/notifications?${query}`,
      );
      expect(res.status).toBe(422);
      expect(res.body.apiErrorResponse.code).toBe('API-ERROR-100422');
      if (property) expect(JSON.stringify(res.body.apiErrorResponse.errors)).toContain(property);
    });

    it('reads one by id; another merchant sees none of them', async () => {
      const [first] = (await list()).notifications;
      const one = await ext.get<{ notification: Notification }>(`/notifications/${first!.id}`);
      expect(one.status).toBe(200);
      expect(one.body.notification).toEqual(first);
      const other = await gw.newMerchant();
      const otherExt = new Http(`${gw.url}/kartoteka/v1/merchant/${other.merchantId}`, {
        authorization: `Bearer ${other.token}`,
      });
      expect((await otherExt.get<Page>('/notifications')).body.notifications).toEqual([]);
      const foreign = await otherExt.get<{ apiErrorResponse: { code: string } }>(
        `/notifications/${first!.id}`,
      );
      expect(foreign.status).toBe(404);
      expect(foreign.body.apiErrorResponse.code).toBe('NTF-ERROR-170404');
      expect((await otherExt.post(`/notifications/${first!.id}/resend`)).status).toBe(404);
      // A merchant's token on another merchant's path: 401, as on imoje's paths.
      expect((await otherExt.get(`/../${gw.merchant.merchantId}/notifications`)).status).toBe(401);
      expect((await ext.get('/notifications', { authorization: 'Bearer wrong' })).status).toBe(401);
    });

    it('resend delivers the same signed bytes again and records the attempt', async () => {
      const failed = (await list('?status=failed')).notifications[0]!;
      downIsUp = true;
      const before = receiver.received.length;
      const res = await ext.post<{ notification: Notification }>(`/notifications/${failed.id}/resend`);
      expect(res.status).toBe(200);
      expect(res.body.notification.status).toBe('pending');
      await gw.gateway.worker.tick();
      const again = receiver.received.slice(before);
      expect(again).toHaveLength(1);
      expect(again[0]!.body.toString('utf8')).toBe(failed.body);
      expect(again[0]!.headers['x-imoje-signature']).toBe(failed.deliveryAttempts[0]!.signature);
      const after = (await ext.get<{ notification: Notification }>(`/notifications/${failed.id}`)).body
        .notification;
      expect(after.status).toBe('delivered');
      expect(after.deliveryAttempts).toHaveLength(MAX_ATTEMPTS + 1);
      expect(after.deliveryAttempts.at(-1)).toMatchObject({
        httpStatus: 200,
        responseExcerpt: '{"status":"ok"}',
      });
    });
  });
}
