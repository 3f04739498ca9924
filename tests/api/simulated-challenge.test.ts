import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxAcquirer } from '../../src/acquirer/sandbox/connector.js';
import { systemClock } from '../../src/domain/clock.js';
import { buildHttpApp } from '../../src/http/app.js';
import { Authenticator } from '../../src/http/auth.js';
import { AuthFailureThrottle } from '../../src/http/auth-failures.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

/**
 * Issue 12 item 9: the simulated 3-D Secure page (POST `result=pass` settles a challenged payment) was served
 * whatever the acquirer. It belongs to the sandbox acquirer: an acquirer whose challenge happens upstream gets
 * no such route. Such an acquirer does not exist yet (a later issue adds imoje's), so it is the sandbox one with
 * the one property that decides it changed; everything else is the real gateway's.
 */
class UpstreamChallengeAcquirer extends SandboxAcquirer {
  override readonly simulatedChallenge = false;
}

describe('the simulated 3-D Secure page exists only beside an acquirer that simulates the challenge', () => {
  let gw: TestGateway;
  let upstream: FastifyInstance;
  let upstreamUrl: string;

  beforeAll(async () => {
    gw = await startGateway();
    const g = gw.gateway;
    const payments = {
      ...g.payments,
      acquirer: new UpstreamChallengeAcquirer(gw.ledger, () => new Date()),
    };
    upstream = await buildHttpApp(
      {
        payments,
        idempotency: g.idempotency,
        auth: new Authenticator(
          () => g.storage.repos.merchants,
          systemClock,
          new AuthFailureThrottle(30, systemClock),
          0,
        ),
        bodyLimitBytes: 65_536,
        requestTimeoutMs: 30_000,
        mode: 'production',
        trustProxy: false,
      },
      g.log.child({ app: 'upstream' }) as Logger,
    );
    upstreamUrl = await upstream.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await upstream?.close();
    await gw?.close();
  });

  it('with the sandbox acquirer: served, framed by nobody (it was frame-ancestors *)', async () => {
    expect(gw.gateway.acquirer.simulatedChallenge).toBe(true);
    const res = await gw.merchant.api.post<TransactionResponse>(
      '/transaction',
      saleBody(gw.merchant.serviceId, {}, { number: '4012001037141112' }),
    );
    const page = await fetch(res.body.action!.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('with an acquirer whose challenge happens upstream: no route, so nobody can post result=pass', async () => {
    const res = await gw.merchant.api.post<TransactionResponse>(
      '/transaction',
      saleBody(gw.merchant.serviceId, {}, { number: '4012001037141112' }),
    );
    const id = res.body.transaction.id;
    const page = await fetch(`${upstreamUrl}/3ds/${id}`);
    expect(page.status).toBe(404);
    const post = await fetch(`${upstreamUrl}/3ds/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'result=pass',
    });
    expect(post.status).toBe(404);
    const t = await gw.gateway.storage.repos.transactions.getTransactionById(id);
    expect(t).toMatchObject({ status: 'pending', stage: 'challenge' });
    expect(await gw.gateway.acquirer.lookup(id, 'authorize')).toBeUndefined();
    // The rest of the app is there.
    expect((await fetch(`${upstreamUrl}/health/live`)).status).not.toBe(404);
  });
});
