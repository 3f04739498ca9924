import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { expectError } from '../support/wire.js';

/** Sends raw bytes and returns the raw answer (for what a well-behaved client can't send). */
async function raw(port: number, data: string, pauseMs = 0): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  let answer = '';
  socket.on('data', (d: Buffer) => (answer += d.toString()));
  socket.on('error', () => undefined);
  socket.write(data);
  if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  await new Promise((r) => {
    socket.once('close', r);
    setTimeout(() => socket.destroy(), 10_000);
  });
  return answer;
}

function envelopeOf(answer: string): { status: number; code: string } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
  const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as {
    apiErrorResponse: { code: string };
  };
  return { status, code: body.apiErrorResponse.code };
}

describe('abuse limits answer with the error envelope', () => {
  let gw: TestGateway;
  let port: number;
  beforeAll(async () => {
    gw = await startGateway({
      env: {
        KARTOTEKA_REQUEST_TIMEOUT_MS: '400',
        KARTOTEKA_AUTH_FAILURE_LIMIT: '5',
        KARTOTEKA_RATE_LIMIT_PER_TOKEN: '20',
      },
    });
    port = Number(new URL(gw.url).port);
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('414 for an overlong URL', async () => {
    expectError(await gw.merchant.api.get(`/profile/cid/${'a'.repeat(3000)}`), 414, 'API-ERROR-100414');
  });

  it('431 for oversized headers', async () => {
    const answer = await raw(
      port,
      `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(envelopeOf(answer)).toEqual({ status: 431, code: 'API-ERROR-100431' });
  });

  it('408 for a request that takes too long to arrive', async () => {
    const answer = await raw(
      port,
      `POST /3ds/6d2a3f3e-1b7c-4e5a-9f0b-2c4d6e8f0a1b HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nresult=`,
    );
    expect(envelopeOf(answer)).toEqual({ status: 408, code: 'API-ERROR-100408' });
  });

  it('400 for garbage on the wire', async () => {
    const answer = await raw(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(envelopeOf(answer)).toEqual({ status: 400, code: 'API-ERROR-100402' });
  });

  // Node's own check (`requireHostHeader`) answered a bare `400 Bad Request` with an empty body.
  it('400 with the envelope for an HTTP/1.1 request without a Host header; HTTP/1.0 needs none', async () => {
    for (const request of [
      'GET /health/live HTTP/1.1\r\n\r\n',
      'HEAD /health/live HTTP/1.1\r\n\r\n',
      `POST /v1/merchant/${gw.merchant.merchantId}/transaction HTTP/1.1\r\nAuthorization: Bearer ${gw.merchant.token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
      'GET /no/such/path HTTP/1.1\r\nConnection: keep-alive\r\n\r\n',
    ]) {
      const answer = await raw(port, request);
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      expect(head, request).toMatch(/^HTTP\/1\.1 400 /);
      expect(head).toMatch(/\r\ncontent-type: application\/json/i);
      expect(head).toMatch(/\r\nconnection: close/i);
      expect(head).toMatch(/\r\nx-request-id: /i);
      if (request.startsWith('HEAD')) {
        expect(body).toBe('');
        continue;
      }
      const e = expectError({ status: 400, body: JSON.parse(body) }, 400, 'API-ERROR-100402', 'headers.host');
      expect(e.message).toBe('Malformed HTTP request.');
      expect(e.errors).toEqual([
        { property: 'headers.host', message: 'An HTTP/1.1 request must carry a Host header.' },
      ]);
    }
    // HTTP/1.0 has no Host requirement, and an HTTP/1.1 request with one is served as always.
    expect(await raw(port, 'GET /health/live HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 /);
    expect(await raw(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 200 /,
    );
  });

  it('429 per token past its rate, 401 stays 401', async () => {
    const m = await gw.newMerchant();
    const results = await Promise.all(Array.from({ length: 80 }, () => m.api.get('/profile/cid/someone')));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(20);
    expectError(limited[0]!, 429, 'API-ERROR-100429');
    expect(limited[0]!.headers.get('retry-after')).toBe('1');
  });

  it('valid token is never throttled after failed logins from the same address', async () => {
    const path = `/v1/merchant/${gw.merchant.merchantId}/profile/cid/x`;
    for (let i = 0; i < 5; i++) expectError(await gw.http.get(path, { authorization: 'Bearer wrong' }), 401);
    const throttled = await gw.http.get(path, { authorization: 'Bearer wrong' });
    expectError(throttled, 429, 'API-ERROR-100430');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Behind a load balancer every shop shares the attacker's address: the real token still works.
    const valid = await gw.http.get(path, { authorization: `Bearer ${gw.merchant.token}` });
    expect(valid.status, valid.text).toBe(200);
    // ...while bad tokens from that address stay refused.
    expectError(await gw.http.get(path, { authorization: 'Bearer wrong' }), 429, 'API-ERROR-100430');
    expectError(await gw.http.get(path), 429, 'API-ERROR-100430');
  });
});

const ADMIN_TOKEN = 'abuse-limits-admin-token-0123456789abcdef';

for (const db of DB_KINDS) {
  describe(`${db}: authentication limits are keyed on the right thing`, () => {
    const clock = new ManualClock();
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({
        db,
        clock,
        env: {
          KARTOTEKA_AUTH_FAILURE_LIMIT: '3',
          KARTOTEKA_RATE_LIMIT_PER_TOKEN: '1',
          KARTOTEKA_ADMIN_TOKEN: ADMIN_TOKEN,
        },
      });
    });
    afterAll(async () => {
      await gw?.close();
    });
    // Each test starts with full budgets: the clock is frozen, so only moving it refills them.
    beforeEach(() => clock.advance(120_000));

    it('re-spelling the Authorization header does not bypass the per-token rate limit', async () => {
      const m = await gw.newMerchant();
      const spellings = [
        `Bearer ${m.token}`,
        `bearer ${m.token}`,
        `BEARER ${m.token}`,
        `Bearer  ${m.token}`,
        `Bearer\t${m.token}`,
        `bEaReR \t ${m.token}`,
      ];
      const statuses: number[] = [];
      for (const authorization of spellings) {
        const res = await gw.http.get(`/v1/merchant/${m.merchantId}/profile/cid/x`, { authorization });
        statuses.push(res.status);
        if (res.status === 429) {
          expectError(res, 429, 'API-ERROR-100429');
          expect(res.headers.get('retry-after')).toBe('1');
        }
      }
      // 1 request per second, bursts of 2, and the clock does not move: every spelling is the same token.
      expect(statuses).toEqual([200, 200, 429, 429, 429, 429]);
      clock.advance(1000);
      expect((await m.api.get('/profile/cid/x')).status).toBe(200);
    });

    it('failed logins from one client behind a trusted proxy do not throttle other clients', async () => {
      const behindProxy = await startGateway({
        db,
        clock,
        env: { KARTOTEKA_AUTH_FAILURE_LIMIT: '3', KARTOTEKA_TRUST_PROXY: '127.0.0.1' },
      });
      try {
        const path = `/v1/merchant/${behindProxy.merchant.merchantId}/profile/cid/x`;
        const from = (ip: string, token: string) =>
          behindProxy.http.get(path, { authorization: `Bearer ${token}`, 'x-forwarded-for': ip });
        for (let i = 0; i < 3; i++) expectError(await from('203.0.113.7', 'wrong'), 401);
        expectError(await from('203.0.113.7', 'wrong'), 429, 'API-ERROR-100430');
        expectError(await from('203.0.113.8', 'wrong'), 401);
        expect((await from('203.0.113.7', behindProxy.merchant.token)).status).toBe(200);
      } finally {
        await behindProxy.close();
      }
    });

    it('a forged X-Forwarded-For does not escape the throttle when no proxy is trusted', async () => {
      const path = `/v1/merchant/${gw.merchant.merchantId}/profile/cid/x`;
      const from = (ip: string) =>
        gw.http.get(path, { authorization: 'Bearer wrong', 'x-forwarded-for': ip });
      for (let i = 0; i < 3; i++) expectError(await from(`198.51.100.${i}`), 401);
      expectError(await from('198.51.100.99'), 429, 'API-ERROR-100430');
    });

    it('bad admin tokens are throttled like merchant tokens, and the admin token still works', async () => {
      const wrong = { authorization: `Bearer ${ADMIN_TOKEN}x` };
      for (let i = 0; i < 3; i++) expectError(await gw.http.get('/admin/notifications', wrong), 401);
      const throttled = await gw.http.get('/admin/notifications', wrong);
      expectError(throttled, 429, 'API-ERROR-100430');
      expect(throttled.headers.get('retry-after')).toBe('20'); // 3 per minute: one comes back every 20 s
      const admin = { authorization: `bearer  ${ADMIN_TOKEN}` };
      expect((await gw.http.get('/admin/notifications', admin)).status).toBe(200);
      clock.advance(20_000);
      expectError(await gw.http.get('/admin/notifications', wrong), 401);
    });
  });
}
