import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('429 per token past its rate, 401 stays 401', async () => {
    const m = await gw.newMerchant();
    const results = await Promise.all(Array.from({ length: 80 }, () => m.api.get('/profile/cid/someone')));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(20);
    expectError(limited[0]!, 429, 'API-ERROR-100429');
  });

  it('429 per IP after repeated failed authentication, even with a valid token then', async () => {
    const path = `/v1/merchant/${gw.merchant.merchantId}/profile/cid/x`;
    for (let i = 0; i < 5; i++) expectError(await gw.http.get(path, { authorization: 'Bearer wrong' }), 401);
    expectError(await gw.http.get(path, { authorization: 'Bearer wrong' }), 429, 'API-ERROR-100430');
    expectError(
      await gw.http.get(path, { authorization: `Bearer ${gw.merchant.token}` }),
      429,
      'API-ERROR-100430',
    );
  });
});
