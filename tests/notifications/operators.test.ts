import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import { Receiver } from './receiver.js';

const run = promisify(execFile);
const ADMIN_TOKEN = 'admin-secret-for-tests-0123456789';

interface View {
  id: string;
  transactionId: string;
  status: string;
  attempts: number;
  lastError: string | null;
}
interface Shown {
  notification: View & { body: string };
  attempts: Array<{ httpStatus: number | null; error: string | null; attemptedAt: string }>;
}

for (const db of DB_KINDS) {
  describe(`${db}: operators see and resend notifications`, () => {
    let receiver: Receiver;
    let gw: TestGateway;
    const clock = new ManualClock();
    let failing: { tx: string; id: string };
    let delivered: { tx: string; id: string };
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

    async function pay(): Promise<{ tx: string; id: string }> {
      const res = await gw.merchant.api.post<{ transaction: { id: string } }>(
        '/transaction',
        saleBody(gw.merchant.serviceId),
      );
      const tx = res.body.transaction.id;
      await gw.gateway.worker.tick();
      const [row] = await gw.gateway.storage.repos.notifications.list({ transactionId: tx, limit: 1 });
      return { tx, id: row!.id };
    }

    /** The real CLI, as an operator runs it, against the same database. */
    async function cli(...args: string[]): Promise<string> {
      const database = gw.gateway.config.database;
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        KARTOTEKA_DATA_DIR: gw.dataDir,
        KARTOTEKA_LOG_LEVEL: 'silent',
      };
      if (database.kind === 'postgres') env.KARTOTEKA_DATABASE_URL = database.url;
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        env,
        cwd: process.cwd(),
      });
      return stdout;
    }

    beforeAll(async () => {
      receiver = await Receiver.start();
      gw = await startGateway({
        db,
        clock,
        env: { KARTOTEKA_ADMIN_TOKEN: ADMIN_TOKEN },
        shop: { notificationUrl: receiver.url() },
      });
      receiver.answer = () => ({ status: 500 });
      failing = await pay();
      receiver.answer = () => ({ status: 200 });
      delivered = await pay();
    });
    afterAll(async () => {
      await gw?.close();
      await receiver?.close();
    });

    it('the admin endpoints need the admin token', async () => {
      const none = await gw.http.get('/admin/notifications');
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({ apiErrorResponse: { code: 'API-ERROR-100401' } });
      const wrong = await gw.http.get('/admin/notifications', { authorization: `Bearer ${ADMIN_TOKEN}x` });
      expect(wrong.status).toBe(401);
      const merchantToken = await gw.http.get('/admin/notifications', {
        authorization: `Bearer ${gw.merchant.token}`,
      });
      expect(merchantToken.status).toBe(401);
    });

    it('lists notifications by status', async () => {
      const pending = await gw.http.get<{ notifications: View[] }>(
        '/admin/notifications?status=pending',
        admin,
      );
      expect(pending.status).toBe(200);
      expect(pending.body.notifications.map((n) => n.id)).toEqual([failing.id]);
      expect(pending.body.notifications[0]).toMatchObject({
        transactionId: failing.tx,
        status: 'pending',
        attempts: 1,
        lastError: 'HTTP 500',
      });
      const ok = await gw.http.get<{ notifications: View[] }>('/admin/notifications?status=delivered', admin);
      expect(ok.body.notifications.map((n) => n.id)).toEqual([delivered.id]);
      const all = await gw.http.get<{ notifications: View[] }>(
        `/admin/notifications?transaction=${delivered.tx}`,
        admin,
      );
      expect(all.body.notifications.map((n) => n.id)).toEqual([delivered.id]);
      const bad = await gw.http.get('/admin/notifications?status=lost', admin);
      expect(bad.status).toBe(422);
    });

    it('shows one notification with its attempts', async () => {
      const res = await gw.http.get<Shown>(`/admin/notifications/${failing.id}`, admin);
      expect(res.status).toBe(200);
      expect(res.body.notification).toMatchObject({ id: failing.id, status: 'pending' });
      expect(JSON.parse(res.body.notification.body)).toMatchObject({ payment: { id: failing.tx } });
      expect(res.body.attempts).toEqual([
        {
          attemptedAt: new Date(clock.now()).toISOString(),
          httpStatus: 500,
          error: 'HTTP 500',
          durationMs: expect.any(Number),
        },
      ]);
      const missing = await gw.http.get('/admin/notifications/no-such-id', admin);
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ apiErrorResponse: { code: 'NTF-ERROR-170404' } });
    });

    it('resends one now, through the endpoint', async () => {
      const res = await gw.http.post<{ notification: View }>(
        `/admin/notifications/${failing.id}/resend`,
        undefined,
        admin,
      );
      expect(res.status).toBe(200);
      expect(res.body.notification).toMatchObject({ id: failing.id, status: 'pending', attempts: 0 });
      const before = receiver.received.length;
      await gw.gateway.worker.tick(); // due now, although its retry was 10 s away
      expect(receiver.received.length).toBe(before + 1);
      const shown = await gw.http.get<Shown>(`/admin/notifications/${failing.id}`, admin);
      expect(shown.body.notification.status).toBe('delivered');
      expect(shown.body.attempts.map((a) => a.httpStatus)).toEqual([500, 200]);
      const missing = await gw.http.post('/admin/notifications/no-such-id/resend', undefined, admin);
      expect(missing.status).toBe(404);
    });

    // Each CLI run starts Node with tsx (seconds on a busy two-core machine).
    it('CLI: list, show and resend', { timeout: 120_000 }, async () => {
      const listed = JSON.parse(
        await cli('notifications', 'list', '--status', 'delivered', '--json'),
      ) as View[];
      expect(listed.map((n) => n.id).sort()).toEqual([failing.id, delivered.id].sort());
      const table = await cli('notifications', 'list', '--transaction', delivered.tx);
      expect(table).toContain(delivered.id);
      expect(table).not.toContain(failing.id);

      const shown = await cli('notifications', 'show', failing.id);
      expect(shown).toContain(`id: ${failing.id}`);
      expect(shown).toMatch(/HTTP 500 .* ms {2}HTTP 500/);
      expect(shown).toMatch(/HTTP 200 .* ms {2}ok/);

      const before = receiver.received.length;
      expect(await cli('notifications', 'resend', delivered.id)).toContain(`queued ${delivered.id}`);
      const pending = await gw.http.get<{ notifications: View[] }>(
        '/admin/notifications?status=pending',
        admin,
      );
      expect(pending.body.notifications.map((n) => n.id)).toEqual([delivered.id]);
      clock.set(Math.max(clock.now(), Date.now())); // the CLI queued it for "now" on the system clock
      await gw.gateway.worker.tick();
      expect(receiver.received.length).toBe(before + 1);
      await expect(cli('notifications', 'show', 'no-such-id')).rejects.toThrow(/Notification not found/);
    });

    it('`kartoteka worker --once` delivers without the server’s worker', { timeout: 60_000 }, async () => {
      const res = await gw.merchant.api.post<{ transaction: { id: string } }>(
        '/transaction',
        saleBody(gw.merchant.serviceId),
      );
      const before = receiver.received.length;
      await cli('worker', '--once');
      expect(receiver.received.length).toBe(before + 1);
      expect(JSON.parse(receiver.received.at(-1)!.body.toString())).toMatchObject({
        payment: { id: res.body.transaction.id },
      });
      const [row] = await gw.gateway.storage.repos.notifications.list({
        transactionId: res.body.transaction.id,
        limit: 1,
      });
      expect(row?.status).toBe('delivered');
    });
  });
}

describe('without an admin token', () => {
  it('the admin endpoints do not exist', async () => {
    const gw = await startGateway();
    try {
      const res = await gw.http.get('/admin/notifications', { authorization: 'Bearer anything' });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ apiErrorResponse: { code: 'API-ERROR-100404' } });
    } finally {
      await gw.close();
    }
  });
});
