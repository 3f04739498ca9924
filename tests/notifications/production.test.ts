import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import { Receiver } from './receiver.js';

for (const db of DB_KINDS) {
  describe(`${db}: production mode refuses non-public notification targets`, () => {
    let receiver: Receiver;
    let gw: TestGateway;
    const clock = new ManualClock();

    beforeAll(async () => {
      receiver = await Receiver.start();
      gw = await startGateway({
        db,
        clock,
        env: { KARTOTEKA_MODE: 'production', KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'on' },
      });
    });
    afterAll(async () => {
      await gw?.close();
      await receiver?.close();
    });

    it.each([
      ['loopback, plain http on another port', () => receiver.url(), 'plain http only on port 80'],
      [
        'loopback over https',
        () => `https://127.0.0.1:${receiver.port}/n`,
        '127.0.0.1 is a loopback address',
      ],
      [
        'localhost, after DNS resolution',
        () => `https://localhost:${receiver.port}/n`,
        'resolved from localhost',
      ],
      ['a private address', () => 'https://192.168.10.20/n', '192.168.10.20 is a private address'],
      [
        'the cloud metadata address',
        () => 'http://169.254.169.254/latest/meta-data/',
        'link-local (cloud metadata)',
      ],
    ])('%s: recorded as a failed attempt, nothing sent', async (_name, url, reason) => {
      const before = receiver.received.length;
      const res = await gw.merchant.api.post<{ transaction: { id: string } }>(
        '/transaction',
        saleBody(gw.merchant.serviceId, { notificationUrl: url() }),
      );
      expect(res.status).toBe(200);
      const transactionId = res.body.transaction.id;
      await gw.gateway.worker.tick();

      const [row] = await gw.gateway.storage.repos.notifications.list({ transactionId, limit: 5 });
      expect(row?.status).toBe('pending');
      expect(row?.attempts).toBe(1);
      expect(row?.lastError).toContain('refused in production mode');
      expect(row?.lastError).toContain(reason);
      const attempts = await gw.gateway.storage.repos.notifications.attempts(row!.id);
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ httpStatus: null, durationMs: 0 });
      expect(receiver.received.length).toBe(before);
    });
  });
}
