import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { MAX_ATTEMPTS } from '../../src/notifications/retry-schedule.js';
import { answerChallenge } from '../support/challenge.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway, type TestMerchant } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Hit {
  transactionId: string;
  status: string;
  body: string;
  answered: number;
  at: number;
}

/**
 * The shop's notification endpoint on 127.0.0.1, which can be down in two ways: up but answering 503, or not
 * listening at all (connection refused). Records every request that reached it.
 */
class Shop {
  readonly hits: Hit[] = [];
  mode: 'up' | '503' | 'refusing' = 'up';
  private readonly sockets = new Set<Socket>();
  private port = 0;

  private constructor(
    private readonly server: http.Server,
    private readonly clock: ManualClock,
  ) {}

  static async start(clock: ManualClock): Promise<Shop> {
    const server = http.createServer();
    const shop = new Shop(server, clock);
    server.on('connection', (s) => {
      shop.sockets.add(s);
      s.on('close', () => shop.sockets.delete(s));
    });
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const payment = (JSON.parse(body) as { payment: { id: string; status: string } }).payment;
        const answered = shop.mode === 'up' ? 200 : 503;
        shop.hits.push({
          transactionId: payment.id,
          status: payment.status,
          body,
          answered,
          at: clock.now(),
        });
        res.writeHead(answered, { 'content-type': 'application/json' });
        res.end(answered === 200 ? '{"status":"ok"}' : '{"status":"unavailable"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    shop.port = (server.address() as AddressInfo).port;
    return shop;
  }

  url(): string {
    return `http://127.0.0.1:${this.port}/notify`;
  }

  /** Stops listening: deliveries get "connection refused". */
  async refuse(): Promise<void> {
    this.mode = 'refusing';
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Listens again on the same port and answers 200. */
  async comeBack(): Promise<void> {
    if (this.mode === 'refusing') {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(this.port, '127.0.0.1', () => resolve());
      });
    }
    this.mode = 'up';
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

for (const db of DB_KINDS) {
  describe(`${db}: the shop's notification endpoint down for a day`, () => {
    let gw: TestGateway | undefined;
    let shop: Shop | undefined;
    afterEach(async () => {
      await gw?.close();
      await shop?.close();
      gw = undefined;
      shop = undefined;
    });

    it(
      'gets everything when it comes back, each transaction in order of creation',
      { timeout: 120_000 },
      async () => {
        const clock = new ManualClock();
        shop = await Shop.start(clock);
        const s = shop;
        gw = await startGateway({ db, clock, shop: { notificationUrl: s.url() } });
        const g = gw;
        const direct = g.merchant;
        const preauth = await g.newMerchant({ preauth: true, notificationUrl: s.url() });

        /** Moves the simulated clock by `ms` in steps, letting the worker do everything due at each step. */
        const elapse = async (ms: number, step = 5 * MINUTE) => {
          for (let done = 0; done < ms; done += step) {
            clock.advance(Math.min(step, ms - done));
            for (let round = 0; round < 20 && (await g.gateway.worker.tick()); round++);
          }
        };
        const pay = async (m: TestMerchant, overrides: Record<string, unknown> = {}, number?: string) => {
          const res = await m.api.post<TransactionResponse & { action?: { url: string } }>(
            '/transaction',
            saleBody(m.serviceId, overrides, number ? { number } : {}),
          );
          expect(res.status).toBe(200);
          return res.body;
        };
        const act = async (m: TestMerchant, id: string, action: string, body: unknown = {}) => {
          const res = await m.api.post<TransactionResponse>(`/transaction/${id}/${action}`, body);
          expect(res.status, res.text).toBe(200);
          return res.body.transaction;
        };

        // The outage starts at t=0: first the shop answers 503, from hour 12 it refuses connections.
        s.mode = '503';
        // t=0: pre-authorisations (authorized), sales (settled), and a 3-D Secure payment left to expire.
        const held: string[] = [];
        for (let i = 0; i < 6; i++) held.push((await pay(preauth)).transaction.id);
        const sales: TransactionResponse['transaction'][] = [];
        for (let i = 0; i < 3; i++) sales.push((await pay(direct)).transaction);
        const abandoned = await pay(direct, { paymentMethodCode: 'ecom3ds' }, '4012001037141112');
        expect(abandoned.transaction.status).toBe('pending');
        await elapse(1 * HOUR);

        // t=1h: captures, voids and refunds, each transaction's later events queued behind its first.
        const captured = held.slice(0, 4);
        for (const id of captured) expect((await act(preauth, id, 'capture')).status).toBe('settled');
        for (const id of held.slice(4)) expect((await act(preauth, id, 'void')).status).toBe('cancelled');
        const refund = { type: 'refund', serviceId: preauth.serviceId, amount: 100 };
        for (const id of captured.slice(0, 2))
          expect((await act(preauth, id, 'refund', refund)).status).toBe('settled');
        await elapse(5 * HOUR);

        // t=6h: a challenge passed (pending → settled), more refunds.
        const challenged = await pay(direct, { paymentMethodCode: 'ecom3ds' }, '4012001037141112');
        expect((await answerChallenge(challenged.action!.url, 'pass')).status).toBe(303);
        for (const t of sales) {
          await act(direct, t.id, 'refund', { type: 'refund', serviceId: direct.serviceId, amount: 500 });
        }
        await elapse(6 * HOUR);

        // t=12h: the endpoint goes away altogether; one more pre-authorisation, captured at once.
        await s.refuse();
        const late = (await pay(preauth)).transaction.id;
        await act(preauth, late, 'capture');
        await elapse(12 * HOUR);

        // A day of outage: attempts were made all along, none acknowledged; nothing given up.
        const repos = g.gateway.storage.repos;
        const all = await repos.notifications.list({ limit: 1000 });
        expect(all.filter((n) => n.status === 'delivered')).toEqual([]);
        expect(all.filter((n) => n.status === 'failed')).toEqual([]);
        expect(s.hits.length).toBeGreaterThan(0);
        expect(s.hits.every((h) => h.answered === 503)).toBe(true);
        const firsts = all.filter((n) => n.ordinal === 1);
        for (const n of firsts) expect(n.attempts).toBeGreaterThan(1);
        expect(Math.max(...all.map((n) => n.attempts))).toBeLessThan(MAX_ATTEMPTS);
        // Both kinds of outage were met: 503 answers, then no connection at all.
        const tried = await repos.notifications.attempts(firsts.find((n) => n.transactionId === held[0])!.id);
        expect(tried.some((a) => a.httpStatus === 503)).toBe(true);
        expect(tried.some((a) => a.httpStatus === null && a.error !== null)).toBe(true);
        // A later event of a transaction is never tried while an earlier one is pending.
        for (const n of all.filter((n) => n.ordinal > 1)) expect(n.attempts).toBe(0);

        // t=24h: back. Within the schedule's next rounds (at most 12 h apart), everything arrives.
        await s.comeBack();
        const outageEnded = clock.now();
        await elapse(13 * HOUR, 10 * MINUTE);

        const after = await repos.notifications.list({ limit: 1000 });
        expect(after.filter((n) => n.status !== 'delivered')).toEqual([]);
        const acked = s.hits.filter((h) => h.answered === 200);
        expect(acked.every((h) => h.at >= outageEnded)).toBe(true);
        // Everything, once each (one gateway, nothing crashed: no duplicates).
        expect(acked.map((h) => h.body).sort()).toEqual(after.map((n) => n.body).sort());

        // Per transaction: in the order the events happened (ordinal = creation order), nothing missing.
        const byTx = new Map<string, typeof after>();
        for (const n of after) byTx.set(n.transactionId, [...(byTx.get(n.transactionId) ?? []), n]);
        for (const [txId, list] of byTx) {
          const created = list.sort((a, b) => a.ordinal - b.ordinal).map((n) => n.body);
          const arrived = acked.filter((h) => h.transactionId === txId).map((h) => h.body);
          expect(arrived, `notifications of ${txId}`).toEqual(created);
        }
        const statuses = (txId: string) => acked.filter((h) => h.transactionId === txId).map((h) => h.status);
        for (const id of captured) expect(statuses(id)).toEqual(['authorized', 'settled']);
        for (const id of held.slice(4)) expect(statuses(id)).toEqual(['authorized', 'cancelled']);
        expect(statuses(late)).toEqual(['authorized', 'settled']);
        expect(statuses(abandoned.transaction.id)).toEqual(['rejected']);
        expect(statuses(challenged.transaction.id)).toEqual(['settled']);
        // Refunds (their own transactions) arrive too: 2 of captures, 3 of sales.
        const refunds = after.filter(
          (n) => (JSON.parse(n.body) as { transaction: { type: string } }).transaction.type === 'refund',
        );
        expect(refunds).toHaveLength(5);
        // Every transaction touched twice or more had all its events delivered in order (checked above).
        expect([...byTx.values()].filter((l) => l.length >= 2).length).toBe(7);
      },
    );
  });
}
