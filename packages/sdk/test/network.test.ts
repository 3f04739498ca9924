/** Network failures on real loopback sockets: a closed port and a server that never answers. */
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { KartotekaClient, NetworkError } from '../src/index.js';

function client(port: number, timeoutMs = 30_000) {
  return new KartotekaClient({
    baseUrl: `http://127.0.0.1:${port}/v1/merchant`,
    merchantId: 'abcdefghij0123456789',
    token: 't',
    maxRetries: 2,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    timeoutMs,
  });
}

describe('network errors', () => {
  it('a refused connection is retried, then a NetworkError', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const err = await client(port)
      .getTransaction('t')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).message).toContain('after 3 attempt(s)');
  });

  it('a server that never answers times out per attempt; each attempt is a new request', async () => {
    let requests = 0;
    const keys = new Set<string | undefined>();
    const server = createHttpServer((req) => {
      requests++;
      keys.add(req.headers['idempotency-key'] as string | undefined);
      // never answer
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const err = await client((server.address() as AddressInfo).port, 100)
        .deactivateProfile('p')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as NetworkError).message).toContain('no complete response within 100 ms');
      expect(requests).toBe(3);
      expect(keys.size).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
