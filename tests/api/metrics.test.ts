import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { isUuidV4 } from '../../src/domain/ids.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import { Receiver } from '../notifications/receiver.js';

const ADMIN_TOKEN = 'metrics-admin-token-0123456789abcdefgh';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const APPROVED_CARD = '4111111111111111';
const DECLINED_CARD = '4444333322221111';
/** The sandbox acquirer answers this one with an error; the slow one past the gateway's timeout. */
const ERROR_CARD = '4012001007002005';
const SLOW_CARD = '4000000000003535';
const SLOW_MS = 600;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, as a scraper reads it: `name{label="value",…} number` lines, comments skipped. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!;
    }
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The one sample of `name` whose labels include `labels`; undefined when there is none. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

/** A loopback port nothing listens on: deliveries to it fail at once (connection refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

for (const db of DB_KINDS) {
  describe(`${db}: GET /metrics`, () => {
    let gw: TestGateway;
    const clock = new ManualClock();
    const ids: string[] = [];
    let scrape: { text: string; samples: Sample[]; contentType: string };

    beforeAll(async () => {
      gw = await startGateway({
        db,
        clock,
        env: {
          KARTOTEKA_ADMIN_TOKEN: ADMIN_TOKEN,
          KARTOTEKA_ACQUIRER_TIMEOUT_MS: '200',
          KARTOTEKA_SANDBOX_SLOW_MS: String(SLOW_MS),
        },
        shop: { notificationUrl: `http://127.0.0.1:${await closedPort()}/imoje` },
      });
      const api = gw.merchant.api;
      const key = { 'idempotency-key': 'metrics-order-1' };
      const body = saleBody(gw.merchant.serviceId);
      const approved = await api.post<{ transaction: { id: string; status: string } }>(
        '/transaction',
        body,
        key,
      );
      expect(approved.body.transaction.status).toBe('settled');
      const replay = await api.post('/transaction', body, key);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      const declined = await api.post<{ transaction: { id: string; status: string } }>(
        '/transaction',
        saleBody(gw.merchant.serviceId, {}, { number: DECLINED_CARD }),
      );
      expect(declined.body.transaction.status).toBe('rejected');
      const failed = await api.post<{ transaction: { id: string; status: string } }>(
        '/transaction',
        saleBody(gw.merchant.serviceId, {}, { number: ERROR_CARD }),
      );
      expect(failed.body.transaction.status).toBe('error');
      const slow = await api.post<{ transaction: { id: string; status: string } }>(
        '/transaction',
        saleBody(gw.merchant.serviceId, {}, { number: SLOW_CARD }),
      );
      expect(slow.body.transaction.status).toBe('pending');
      // Let the slow call finish at the acquirer before the gateway closes.
      await new Promise((done) => setTimeout(done, SLOW_MS));
      ids.push(approved.body.transaction.id, declined.body.transaction.id, failed.body.transaction.id);
      expect((await api.get(`/transaction/${approved.body.transaction.id}`)).status).toBe(200);
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect((await api.get(`/transaction/${unknown}`)).status).toBe(404);
      expect((await gw.http.get(`/no-such-page/${APPROVED_CARD}`)).status).toBe(404);
      // Both notifications are tried once (connection refused) and stay pending; a minute passes.
      await gw.gateway.worker.tick();
      clock.advance(60_000);

      const res = await gw.http.get('/metrics', admin);
      expect(res.status).toBe(200);
      scrape = {
        text: res.text,
        samples: parse(res.text),
        contentType: res.headers.get('content-type') ?? '',
      };
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('is the Prometheus text format', () => {
      expect(scrape.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(scrape.text).toContain('# TYPE kartoteka_http_request_duration_seconds histogram');
    });

    it('counts requests by route pattern and status, with a latency histogram', () => {
      const post = { method: 'POST', route: '/v1/merchant/:merchantId/transaction', status: '200' };
      // The approved sale, its replay, the declined, the failed and the slow sale.
      expect(value(scrape.samples, 'kartoteka_http_requests_total', post)).toBe(5);
      expect(value(scrape.samples, 'kartoteka_http_request_duration_seconds_count', post)).toBe(5);
      expect(
        value(scrape.samples, 'kartoteka_http_request_duration_seconds_bucket', { ...post, le: '+Inf' }),
      ).toBe(5);
      expect(value(scrape.samples, 'kartoteka_http_request_duration_seconds_sum', post)).toBeGreaterThan(0);
      const read = { method: 'GET', route: '/v1/merchant/:merchantId/transaction/:transactionId' };
      expect(value(scrape.samples, 'kartoteka_http_requests_total', { ...read, status: '200' })).toBe(1);
      expect(value(scrape.samples, 'kartoteka_http_requests_total', { ...read, status: '404' })).toBe(1);
      expect(
        value(scrape.samples, 'kartoteka_http_requests_total', {
          method: 'GET',
          route: 'unmatched',
          status: '404',
        }),
      ).toBe(1);
    });

    it('counts payments by status and result code, a replay not again', () => {
      expect(
        value(scrape.samples, 'kartoteka_payments_total', {
          type: 'sale',
          status: 'settled',
          code: 'CODE_000',
        }),
      ).toBe(1);
      expect(
        value(scrape.samples, 'kartoteka_payments_total', {
          type: 'sale',
          status: 'rejected',
          code: 'CODE_05',
        }),
      ).toBe(1);
      const errors = scrape.samples.filter(
        (s) => s.name === 'kartoteka_payments_total' && s.labels.status === 'error',
      );
      expect(errors.map((s) => s.value)).toEqual([1]);
      // The slow payment is still pending: not finalised, not counted.
      expect(
        scrape.samples
          .filter((s) => s.name === 'kartoteka_payments_total')
          .reduce((sum, s) => sum + s.value, 0),
      ).toBe(3);
    });

    it('records acquirer calls by connector, operation and outcome', () => {
      const call = { connector: 'sandbox', operation: 'authorize' };
      const count = 'kartoteka_acquirer_call_duration_seconds_count';
      expect(value(scrape.samples, count, { ...call, outcome: 'approved' })).toBe(1);
      expect(value(scrape.samples, count, { ...call, outcome: 'declined' })).toBe(1);
      expect(value(scrape.samples, count, { ...call, outcome: 'error' })).toBe(1);
      expect(value(scrape.samples, count, { ...call, outcome: 'timeout' })).toBe(1);
      const errors = 'kartoteka_acquirer_errors_total';
      expect(value(scrape.samples, errors, { ...call, kind: 'error' })).toBe(1);
      expect(value(scrape.samples, errors, { ...call, kind: 'timeout' })).toBe(1);
      expect(value(scrape.samples, errors, { ...call, kind: 'failure' })).toBeUndefined();
      expect(
        value(scrape.samples, count, {
          connector: 'sandbox',
          operation: 'threeDSecure',
          outcome: 'frictionless',
        }),
      ).toBe(4);
    });

    it('shows the undelivered notifications and the age of the oldest', () => {
      // Settled, rejected, error; the slow payment has none yet.
      expect(value(scrape.samples, 'kartoteka_outbox_notifications', { status: 'pending' })).toBe(3);
      expect(value(scrape.samples, 'kartoteka_outbox_notifications', { status: 'failed' })).toBe(0);
      expect(value(scrape.samples, 'kartoteka_outbox_oldest_pending_age_seconds')).toBe(60);
    });

    it('reports the worker, the database and the event loop', () => {
      expect(value(scrape.samples, 'kartoteka_worker_round_duration_seconds_count')).toBe(1);
      // This gateway runs no worker loop (the test drives it), so nothing is overdue.
      expect(value(scrape.samples, 'kartoteka_worker_lag_seconds')).toBe(0);
      expect(value(scrape.samples, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
      if (db === 'postgres') {
        expect(value(scrape.samples, 'kartoteka_db_pool_max')).toBe(10);
        expect(value(scrape.samples, 'kartoteka_db_pool_waiting')).toBe(0);
        const inUse = value(scrape.samples, 'kartoteka_db_pool_connections', { state: 'in_use' });
        const idle = value(scrape.samples, 'kartoteka_db_pool_connections', { state: 'idle' });
        expect(inUse! + idle!).toBeGreaterThanOrEqual(1);
        expect(value(scrape.samples, 'kartoteka_db_group_commit_queue')).toBeUndefined();
      } else {
        expect(value(scrape.samples, 'kartoteka_db_group_commit_queue')).toBe(0);
        expect(value(scrape.samples, 'kartoteka_db_pool_max')).toBeUndefined();
      }
    });

    it('holds no card number, token, id or raw URL', () => {
      for (const secret of [
        APPROVED_CARD,
        DECLINED_CARD,
        ERROR_CARD,
        SLOW_CARD,
        gw.merchant.token,
        gw.merchant.merchantId,
        gw.merchant.serviceId,
        ADMIN_TOKEN,
        ...ids,
        '00000000-0000-4000-8000-000000000000',
        'no-such-page',
      ]) {
        expect(scrape.text).not.toContain(secret);
      }
    });

    it('needs the admin token: 401 without it or with a wrong one', async () => {
      const none = await gw.http.get('/metrics');
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({ apiErrorResponse: { code: 'API-ERROR-100401' } });
      const wrong = await gw.http.get('/metrics', { authorization: `Bearer ${ADMIN_TOKEN}x` });
      expect(wrong.status).toBe(401);
      const merchant = await gw.http.get('/metrics', { authorization: `Bearer ${gw.merchant.token}` });
      expect(merchant.status).toBe(401);
      expect(none.text).not.toContain('kartoteka_');
    });

    it('is not part of the merchant API', async () => {
      const res = await gw.merchant.api.get('/metrics');
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('kartoteka_');
    });

    it('outbox depth follows delivery: a new undelivered notification counts', async () => {
      await gw.merchant.api.post('/transaction', saleBody(gw.merchant.serviceId));
      // Scrapes within a second reuse the last outbox reading, so wait for the next one.
      await expect
        .poll(
          async () =>
            value(parse((await gw.http.get('/metrics', admin)).text), 'kartoteka_outbox_notifications', {
              status: 'pending',
            }),
          { timeout: 5000, interval: 200 },
        )
        .toBe(4);
    });
  });

  describe(`${db}: worker lag`, () => {
    let gw: TestGateway;
    let receiver: Receiver;
    const HANG_MS = 1500;

    beforeAll(async () => {
      receiver = await Receiver.start();
      receiver.answer = () => ({ status: 200, delayMs: HANG_MS });
      gw = await startGateway({
        db,
        worker: true,
        env: { KARTOTEKA_ADMIN_TOKEN: ADMIN_TOKEN, KARTOTEKA_WORKER_POLL_MS: '50' },
        shop: { notificationUrl: receiver.url() },
      });
    });
    afterAll(async () => {
      await gw?.close();
      await receiver?.close();
    });

    const lag = async () =>
      value(parse((await gw.http.get('/metrics', admin)).text), 'kartoteka_worker_lag_seconds') ?? NaN;

    it('grows while a round hangs on a slow shop, and is back to nothing once it ends', async () => {
      await gw.merchant.api.post('/transaction', saleBody(gw.merchant.serviceId));
      await receiver.waitFor(1);
      // The round is stuck in the delivery for HANG_MS while the loop was due again after 50 ms.
      await expect.poll(lag, { timeout: HANG_MS * 3, interval: 100 }).toBeGreaterThan(0.5);
      await expect.poll(() => receiver.acknowledged().length, { timeout: HANG_MS * 3 }).toBe(1);
      await expect.poll(lag, { timeout: 5000, interval: 100 }).toBeLessThan(0.5);
      const samples = parse((await gw.http.get('/metrics', admin)).text);
      expect(value(samples, 'kartoteka_worker_round_duration_seconds_sum')).toBeGreaterThanOrEqual(
        (HANG_MS - 100) / 1000,
      );
    });
  });

  describe(`${db}: X-Request-Id`, () => {
    let gw: TestGateway;

    beforeAll(async () => {
      gw = await startGateway({
        db,
        env: { KARTOTEKA_ACQUIRER_TIMEOUT_MS: '200', KARTOTEKA_SANDBOX_SLOW_MS: String(SLOW_MS) },
      });
    });
    afterAll(async () => {
      await gw?.close();
    });

    /** The log lines Fastify wrote for the request with this id. */
    function linesOf(reqId: string): Array<Record<string, unknown>> {
      return gw.logs
        .flatMap((chunk) => chunk.split('\n'))
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.reqId === reqId);
    }

    it('echoes a sane incoming id, and logs the request under it', async () => {
      const id = 'lb-7f3a.request_01';
      const res = await gw.merchant.api.get('/service/' + gw.merchant.serviceId, { 'x-request-id': id });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe(id);
      await expect.poll(() => linesOf(id).map((l) => l.msg)).toContain('request completed');
      expect(linesOf(id).map((l) => l.msg)).toContain('incoming request');
    });

    it('replaces an id that is too long or not a plain token with a generated one', async () => {
      for (const sent of ['a'.repeat(65), 'two words', 'quote"d', 'semi;colon', '']) {
        const res = await gw.http.get('/health/live', { 'x-request-id': sent });
        const got = res.headers.get('x-request-id') ?? '';
        expect(isUuidV4(got), `${JSON.stringify(sent)} → ${got}`).toBe(true);
        expect(linesOf(sent)).toEqual([]);
      }
      const none = await gw.http.get('/health/live');
      expect(isUuidV4(none.headers.get('x-request-id') ?? '')).toBe(true);
      const other = await gw.http.get('/health/live');
      expect(other.headers.get('x-request-id')).not.toBe(none.headers.get('x-request-id'));
    });

    it('is on error answers too: 404, 401, 422, an absurd path parameter, a widget page', async () => {
      const notFound = await gw.http.get('/nowhere', { 'x-request-id': 'err-404' });
      expect(notFound.status).toBe(404);
      expect(notFound.headers.get('x-request-id')).toBe('err-404');
      const unauthorized = await gw.http.get(`/v1/merchant/${gw.merchant.merchantId}/service/x`, {
        'x-request-id': 'err-401',
      });
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers.get('x-request-id')).toBe('err-401');
      const invalid = await gw.merchant.api.post(
        '/transaction',
        { type: 'sale' },
        { 'x-request-id': 'err-422' },
      );
      expect(invalid.status).toBe(422);
      expect(invalid.headers.get('x-request-id')).toBe('err-422');
      const tooLong = await gw.merchant.api.get(`/transaction/${'x'.repeat(300)}`, {
        'x-request-id': 'err-414',
      });
      expect(tooLong.status).toBeGreaterThanOrEqual(400);
      expect(tooLong.headers.get('x-request-id')).toBe('err-414');
      const widget = await gw.http.get('/js/widget.min.js', { 'x-request-id': 'widget-script' });
      expect(widget.status).toBe(200);
      expect(widget.headers.get('x-request-id')).toBe('widget-script');
      await expect.poll(() => linesOf('err-422').map((l) => l.msg)).toContain('request completed');
    });

    it('names the request in lines the payment code writes during it, once per line', async () => {
      const res = await gw.merchant.api.post(
        '/transaction',
        saleBody(gw.merchant.serviceId, {}, { number: SLOW_CARD }),
        { 'x-request-id': 'slow-sale-1' },
      );
      expect(res.status).toBe(200);
      // GuardedAcquirer logs through the gateway's root logger, not the request's.
      await expect
        .poll(() => linesOf('slow-sale-1').map((l) => l.msg))
        .toContain('acquirer authorize timed out');
      // Let the slow call finish at the acquirer before the gateway closes.
      await new Promise((done) => setTimeout(done, SLOW_MS));
      const lines = gw.logs.flatMap((chunk) => chunk.split('\n'));
      expect(lines.filter((l) => (l.match(/"reqId":/g) ?? []).length > 1)).toEqual([]);
    });
  });
}

describe('GET /metrics without an admin token', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('does not exist (404), like /admin', async () => {
    const res = await gw.http.get('/metrics', admin);
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('kartoteka_');
  });
});
