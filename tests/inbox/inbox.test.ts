import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { createWorkerProcess } from '../../src/gateway.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, freshPostgresDatabase } from '../support/databases.js';
import { answerChallenge } from '../support/challenge.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { Http } from '../support/http.js';
import { debitBody, saleBody } from '../support/payloads.js';
import { Receiver } from '../notifications/receiver.js';
import { EventStreamParser, type ServerEvent } from '../../src/cli/sse.js';

interface InboxMessage {
  id: string;
  serviceId: string;
  headers: Record<string, string>;
  body: string;
  bodyBase64: string;
  signature: string | null;
  verified: boolean;
  transactionId: string | null;
  event: string | null;
}
interface InboxPage {
  messages: InboxMessage[];
  nextCursor: string | null;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const db of DB_KINDS) {
  describe(`${db}: the sandbox's webhook inbox`, () => {
    let gw: TestGateway;
    let ext: Http;
    let sandbox: { merchantId: string; serviceId: string; serviceKey: string; token: string };

    beforeAll(async () => {
      gw = await startGateway({ db, worker: true, env: { KARTOTEKA_BOOTSTRAP: 'on' } });
      sandbox = gw.gateway.sandbox!;
      ext = new Http(`${gw.url}/kartoteka/v1/merchant/${sandbox.merchantId}`, {
        authorization: `Bearer ${sandbox.token}`,
      });
    });
    afterAll(async () => {
      await gw?.close();
    });

    const inbox = async () => (await ext.get<InboxPage>('/inbox?limit=100')).body.messages;

    it("receives the walk-through's notifications, signed and verified, through the real outbox", async () => {
      const api = new Http(`${gw.url}/v1/merchant/${sandbox.merchantId}`, {
        authorization: `Bearer ${sandbox.token}`,
      });
      // 1. a registration with the challenge card, 2. the challenge passed, 4. a debit of the new profile.
      const sale = await api.post<{ transaction: { id: string }; action: { url: string } }>(
        '/transaction',
        saleBody(sandbox.serviceId, {}, { number: '4012001037141112' }),
      );
      expect(sale.status).toBe(200);
      const tx = sale.body.transaction.id;
      expect((await answerChallenge(sale.body.action.url, 'pass')).status).toBe(303);
      const read = await api.get<{ transaction: { paymentProfile: { id: string } } }>(`/transaction/${tx}`);
      const debit = await api.post<{ transaction: { id: string; status: string } }>(
        '/transaction/profile',
        debitBody(sandbox.serviceId, read.body.transaction.paymentProfile.id),
      );
      expect(debit.body.transaction.status).toBe('settled');
      const debitTx = debit.body.transaction.id;

      const messages = await until('both notifications in the inbox', async () => {
        const m = await inbox();
        return m.some((x) => x.transactionId === tx) && m.some((x) => x.transactionId === debitTx)
          ? m
          : undefined;
      });
      for (const id of [tx, debitTx]) {
        const m = messages.find((x) => x.transactionId === id)!;
        expect(m.event).toBe('settled');
        expect(m.verified).toBe(true);
        expect(m.serviceId).toBe(sandbox.serviceId);
        expect(m.headers['user-agent']).toBe('imoje');
        expect(m.headers['x-imoje-signature']).toBe(m.signature);
        // The signature is imoje's: sha256 over the exact bytes and the shop's key.
        const bytes = Buffer.from(m.bodyBase64, 'base64');
        const expected = createHash('sha256').update(bytes).update(sandbox.serviceKey).digest('hex');
        expect(m.signature).toBe(
          `merchantid=${sandbox.merchantId};serviceid=${sandbox.serviceId};signature=${expected};alg=sha256`,
        );
        expect(m.body).toBe(bytes.toString('utf8'));
        expect(m.body).not.toMatch(/4012001037141112/);
        const one = await ext.get<{ message: InboxMessage }>(`/inbox/${m.id}`);
        expect(one.body.message).toEqual(m);
      }

      // The outbox recorded the delivery to the inbox like any receiver: URL, 200, the answer, the signature.
      const list = await ext.get<{
        notifications: Array<{
          status: string;
          url: string;
          deliveryAttempts: Array<{
            httpStatus: number;
            url: string;
            responseExcerpt: string;
            signature: string;
          }>;
        }>;
      }>(`/notifications?transactionId=${debitTx}`);
      const [n] = list.body.notifications;
      expect(n!.url).toBe(`${gw.url}/kartoteka/inbox/${sandbox.serviceId}`);
      await until('the delivery recorded', async () => {
        const again = await ext.get<typeof list.body>(`/notifications?transactionId=${debitTx}`);
        return again.body.notifications[0]!.status === 'delivered' ? true : undefined;
      });
      const delivered = (await ext.get<typeof list.body>(`/notifications?transactionId=${debitTx}`)).body
        .notifications[0]!;
      expect(delivered.deliveryAttempts[0]).toMatchObject({
        httpStatus: 200,
        url: n!.url,
        responseExcerpt: '{"status":"ok"}',
      });
      const inboxed = messages.find((x) => x.transactionId === debitTx)!;
      expect(delivered.deliveryAttempts[0]!.signature).toBe(inboxed.signature);
    });

    it('records a bad signature as unverified, and answers 200 all the same', async () => {
      const body = '{"transaction":{"id":"forged","status":"settled"}}';
      const forged = `merchantid=${sandbox.merchantId};serviceid=${sandbox.serviceId};signature=${'0'.repeat(64)};alg=sha256`;
      const res = await gw.http.post(`/kartoteka/inbox/${sandbox.serviceId}`, body, {
        'content-type': 'application/json',
        'x-imoje-signature': forged,
      });
      expect(res.status).toBe(200);
      // Signed with the right key but naming another merchant: not verified either.
      const sig = createHash('sha256').update(body).update(sandbox.serviceKey).digest('hex');
      await gw.http.post(`/kartoteka/inbox/${sandbox.serviceId}`, body, {
        'content-type': 'application/json',
        'x-imoje-signature': `merchantid=other;serviceid=${sandbox.serviceId};signature=${sig};alg=sha256`,
      });
      // Unsigned.
      await gw.http.post(`/kartoteka/inbox/${sandbox.serviceId}`, body, { 'content-type': 'text/plain' });
      const forgedOnes = (await inbox()).filter((m) => m.transactionId === 'forged');
      expect(forgedOnes).toHaveLength(3);
      expect(forgedOnes.every((m) => !m.verified)).toBe(true);
      // And the same bytes correctly signed verify: the check is not simply "never".
      await gw.http.post(`/kartoteka/inbox/${sandbox.serviceId}`, body, {
        'content-type': 'application/json',
        'x-imoje-signature': `merchantid=${sandbox.merchantId};serviceid=${sandbox.serviceId};signature=${sig};alg=sha256`,
      });
      const all = (await inbox()).filter((m) => m.transactionId === 'forged');
      expect(all.filter((m) => m.verified)).toHaveLength(1);
    });

    it('keeps a verified body byte for byte, even with a Luhn-valid id in it (masking would break its signature)', async () => {
      // 300730088161624 passes the Luhn check, as 1 in 10 of the acquirer's 15-digit ids does.
      const body =
        '{"transaction":{"id":"luhn-id","status":"settled","firstTransactionId":"300730088161624"}}';
      const sig = createHash('sha256').update(body).update(sandbox.serviceKey).digest('hex');
      await gw.http.post(`/kartoteka/inbox/${sandbox.serviceId}`, body, {
        'content-type': 'application/json',
        'x-imoje-signature': `merchantid=${sandbox.merchantId};serviceid=${sandbox.serviceId};signature=${sig};alg=sha256`,
      });
      const [m] = (await inbox()).filter((x) => x.transactionId === 'luhn-id');
      expect(m!.verified).toBe(true);
      expect(Buffer.from(m!.bodyBase64, 'base64').toString('utf8')).toBe(body);
      expect(m!.signature).toContain(sig);
    });

    it('never keeps a card number in clear, and keeps no credentials', async () => {
      const body = '{"transaction":{"id":"pan-echo","status":"x"},"card":"4111111111111111"}';
      await gw.http.post(`/kartoteka/inbox/${sandbox.serviceId}`, body, {
        'content-type': 'application/json',
        authorization: 'Bearer secret-token',
        'x-note': '4111 1111 1111 1111',
      });
      const [m] = (await inbox()).filter((x) => x.transactionId === 'pan-echo');
      expect(JSON.stringify(m)).not.toMatch(/4111111111111111|4111 1111 1111 1111/);
      expect(Buffer.from(m!.bodyBase64, 'base64').toString('utf8')).not.toMatch(/4111111111111111/);
      expect(m!.headers.authorization).toBeUndefined();
      expect(m!.headers['x-note']).toBeDefined();
    });

    it('pages with an opaque cursor, and is one merchant’s own', async () => {
      const first = await ext.get<InboxPage>('/inbox?limit=2');
      expect(first.body.messages).toHaveLength(2);
      const all = await inbox();
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: InboxPage } = await ext.get<InboxPage>(
          `/inbox?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        seen.push(...page.body.messages.map((m) => m.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.map((m) => m.id));
      expect((await ext.get('/inbox?cursor=nonsense')).status).toBe(422);
      expect((await ext.get('/inbox?limit=101')).status).toBe(422);
      // Another merchant sees none of it, and can't read a message by id.
      const other = await gw.newMerchant();
      const otherExt = new Http(`${gw.url}/kartoteka/v1/merchant/${other.merchantId}`, {
        authorization: `Bearer ${other.token}`,
      });
      expect((await otherExt.get<InboxPage>('/inbox')).body.messages).toEqual([]);
      expect((await otherExt.get(`/inbox/${all[0]!.id}`)).status).toBe(404);
      expect((await ext.get('/inbox', { authorization: 'Bearer wrong' })).status).toBe(401);
    });

    it('leaves a shop with its own notification URL alone', async () => {
      const receiver = await Receiver.start();
      try {
        const shop = await gw.gateway.accounts.createShop(sandbox.merchantId, {
          pciEnabled: true,
          notificationUrl: receiver.url(),
        });
        const api = new Http(`${gw.url}/v1/merchant/${sandbox.merchantId}`, {
          authorization: `Bearer ${sandbox.token}`,
        });
        const sale = await api.post<{ transaction: { id: string } }>('/transaction', saleBody(shop.id));
        await receiver.waitFor(1);
        expect(JSON.parse(receiver.received[0]!.body.toString('utf8')).transaction.id).toBe(
          sale.body.transaction.id,
        );
        expect((await inbox()).some((m) => m.transactionId === sale.body.transaction.id)).toBe(false);
      } finally {
        await receiver.close();
      }
    });
  });

  describe(`${db}: an existing sandbox data directory`, () => {
    it('gets the inbox on its next start (its shop still has no URL), also from a separate worker process', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-inbox-restart-'));
      const pgDb = db === 'postgres' ? await freshPostgresDatabase() : null;
      const same = { db, dataDir, ...(pgDb ? { databaseUrl: pgDb.url } : {}) };
      try {
        // A first start creates the sandbox; nothing about the inbox is stored anywhere.
        const first = await startGateway({ ...same, env: { KARTOTEKA_BOOTSTRAP: 'on' } });
        const sandbox = first.gateway.sandbox!;
        await first.close();
        const shop = await (async () => {
          const again = await startGateway({ ...same, env: { KARTOTEKA_BOOTSTRAP: 'on' } });
          try {
            expect(again.gateway.sandbox?.merchantId).toBe(sandbox.merchantId);
            const api = new Http(`${again.url}/v1/merchant/${sandbox.merchantId}`, {
              authorization: `Bearer ${sandbox.token}`,
            });
            const sale = await api.post<{ transaction: { id: string } }>(
              '/transaction',
              saleBody(sandbox.serviceId),
            );
            const [n] = await again.gateway.storage.repos.notifications.list({
              transactionId: sale.body.transaction.id,
              limit: 1,
            });
            expect(n!.url).toBe(`${again.url}/kartoteka/inbox/${sandbox.serviceId}`);
            return (await again.gateway.storage.repos.merchants.getShopById(sandbox.serviceId))!;
          } finally {
            await again.close();
          }
        })();
        expect(shop.notificationUrl).toBeNull();
        // The worker of `kartoteka worker` knows the sandbox merchant from the data directory alone.
        const config = loadConfig(
          {},
          {
            KARTOTEKA_DATA_DIR: dataDir,
            KARTOTEKA_LOG_LEVEL: 'silent',
            ...(pgDb ? { KARTOTEKA_DATABASE_URL: pgDb.url } : {}),
          },
        );
        const worker = await createWorkerProcess(config);
        try {
          expect(worker.payments.inboxUrl?.(shop)).toBe(`http://127.0.0.1:8080/kartoteka/inbox/${shop.id}`);
          expect(worker.payments.inboxUrl?.({ id: shop.id, merchantId: 'someoneelse000000000' })).toBeNull();
        } finally {
          await worker.close();
        }
      } finally {
        await pgDb?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe(`${db}: the inbox's live stream`, () => {
    let gw: TestGateway;
    let sandbox: { merchantId: string; serviceId: string; token: string };
    beforeAll(async () => {
      gw = await startGateway({ db, env: { KARTOTEKA_BOOTSTRAP: 'on' } });
      sandbox = gw.gateway.sandbox!;
    });
    afterAll(async () => {
      await gw?.close();
    });

    /** Opens the stream and hands back its events as they come. */
    async function open(lastEventId?: string) {
      const abort = new AbortController();
      const headers: Record<string, string> = { authorization: `Bearer ${sandbox.token}` };
      if (lastEventId) headers['last-event-id'] = lastEventId;
      const res = await fetch(`${gw.url}/kartoteka/v1/merchant/${sandbox.merchantId}/inbox/stream`, {
        headers,
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = res.body!.getReader();
      const parser = new EventStreamParser();
      const queue: ServerEvent[] = [];
      return {
        async next(): Promise<ServerEvent> {
          while (queue.length === 0) {
            const { value, done } = await reader.read();
            if (done) throw new Error('stream ended');
            queue.push(...parser.push(value));
          }
          return queue.shift()!;
        },
        close: () => abort.abort(),
        reader,
      };
    }

    const post = (id: string) =>
      gw.http.post(
        `/kartoteka/inbox/${sandbox.serviceId}`,
        `{"transaction":{"id":"${id}","status":"settled"}}`,
        {
          'content-type': 'application/json',
        },
      );

    it('sends each arrival once, as it comes, and resumes after Last-Event-ID', async () => {
      await post('before-connect');
      const stream = await open();
      await post('live-1');
      const first = await stream.next();
      expect(first.event).toBe('notification');
      const m1 = JSON.parse(first.data) as InboxMessage;
      // Only what arrives from now on: the earlier message is not replayed.
      expect(m1.transactionId).toBe('live-1');
      expect(first.id).toBe(m1.id);
      stream.close();
      await post('live-2');
      await post('live-3');
      const resumed = await open(m1.id);
      const got = [
        JSON.parse((await resumed.next()).data),
        JSON.parse((await resumed.next()).data),
      ] as InboxMessage[];
      expect(got.map((m) => m.transactionId).sort()).toEqual(['live-2', 'live-3']);
      resumed.close();
    });

    it('a stream still open does not hold the gateway up when it closes', async () => {
      // A gateway of its own: the client's other (pooled, spare) connections to the first one would hold a
      // server's close() until their own timeouts, whatever the streams do.
      await gw.close();
      gw = await startGateway({ db, env: { KARTOTEKA_BOOTSTRAP: 'on' } });
      sandbox = gw.gateway.sandbox!;
      const stream = await open();
      await gw.close();
      // The server ended the stream rather than waiting for the client.
      for (;;) {
        const { done } = await stream.reader.read();
        if (done) break;
      }
      gw = undefined as unknown as TestGateway;
    });
  });

  describe(`${db}: production has no inbox`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({
        db,
        worker: true,
        env: {
          KARTOTEKA_MODE: 'production',
          KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'on',
          KARTOTEKA_BOOTSTRAP: 'on',
        },
      });
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('neither the receiver nor the inbox API exists, and a shop without a URL is not notified', async () => {
      const m = gw.merchant;
      expect((await gw.http.post(`/kartoteka/inbox/${m.serviceId}`, '{}')).status).toBe(404);
      const ext = new Http(`${gw.url}/kartoteka/v1/merchant/${m.merchantId}`, {
        authorization: `Bearer ${m.token}`,
      });
      expect((await ext.get('/inbox')).status).toBe(404);
      expect((await ext.get('/inbox/stream')).status).toBe(404);
      const sale = await m.api.post<{ transaction: { id: string } }>('/transaction', saleBody(m.serviceId));
      expect(sale.status).toBe(200);
      const list = await ext.get<{ notifications: unknown[] }>('/notifications');
      expect(list.status).toBe(200);
      expect(list.body.notifications).toEqual([]);
    });
  });
}
