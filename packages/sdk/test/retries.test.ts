/** Retry policy, with a scripted fetch: no network at all, so every attempt is counted exactly. */
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  BusinessRuleError,
  ConflictError,
  KartotekaClient,
  NetworkError,
  NotFoundError,
  ServerError,
  ValidationError,
} from '../src/index.js';

type Step = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

interface Seen {
  url: string;
  method: string;
  key: string | null;
  body: string | undefined;
}

function scripted(steps: Step[], retryDelayMs = 1) {
  const seen: Seen[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    seen.push({
      url: String(input),
      method: init?.method ?? 'GET',
      key: headers.get('idempotency-key'),
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    const step = steps.shift();
    if (!step) throw new Error('script exhausted');
    if (step instanceof Error) throw step;
    return new Response(step.body === undefined ? '' : JSON.stringify(step.body), {
      status: step.status,
      headers: step.headers,
    });
  };
  const client = new KartotekaClient({
    baseUrl: 'http://gateway.invalid/v1/merchant/',
    merchantId: 'abcdefghij0123456789',
    token: 't0ken',
    fetch: fetchImpl,
    retryBaseDelayMs: retryDelayMs,
    retryMaxDelayMs: retryDelayMs * 5,
  });
  return { client, seen };
}

const envelope = (code: string) => ({ apiErrorResponse: { code, message: code, instance: {}, errors: [] } });
const ok = { status: 200, body: { paymentProfile: { id: 'p' } } };

describe('retries', () => {
  it('retries network errors, 5xx and 409 in flight, with the same Idempotency-Key every time', async () => {
    const { client, seen } = scripted([
      new TypeError('fetch failed'),
      { status: 503, body: envelope('API-ERROR-100503') },
      { status: 409, body: envelope('API-ERROR-100410') },
      ok,
    ]);
    const res = await client.deactivateProfile('p', { maxRetries: 3 });
    expect(res).toEqual(ok.body);
    expect(seen).toHaveLength(4);
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);
    expect(seen[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[0]!.url).toBe('http://gateway.invalid/v1/merchant/abcdefghij0123456789/profile/deactivate');
    expect(seen[0]!.body).toBe('{"paymentProfileId":"p"}');
  });

  it('gives up after maxRetries: the last 5xx is thrown as a ServerError', async () => {
    const { client, seen } = scripted([
      { status: 500, body: envelope('API-ERROR-100500') },
      { status: 502, body: 'Bad gateway' },
      { status: 500, body: envelope('API-ERROR-100500') },
    ]);
    const err = await client.getProfile('p').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status: 500, code: 'API-ERROR-100500' });
    expect(seen).toHaveLength(3); // the default: 1 + 2 retries
  });

  it('a network failure on every attempt is a NetworkError carrying the cause', async () => {
    const cause = new TypeError('connect ECONNREFUSED');
    const { client, seen } = scripted([cause, cause, cause]);
    const err = await client.getTransaction('t').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).cause).toBe(cause);
    expect((err as NetworkError).message).toContain('after 3 attempt(s)');
    expect(seen).toHaveLength(3);
  });

  it.each([
    [400, 'TRX-ERROR-120301', BusinessRuleError],
    [404, 'TRX-ERROR-110404', NotFoundError],
    [409, 'API-ERROR-100409', ConflictError],
    [422, 'API-ERROR-100422', ValidationError],
  ])('never retries a %i (%s)', async (status, code, ErrorClass) => {
    const { client, seen } = scripted([{ status, body: envelope(code) }, ok]);
    const err = await client.deactivateProfile('p').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErrorClass);
    expect(err).toMatchObject({ status, code });
    expect(seen).toHaveLength(1);
  });

  it('a 200 whose body is not a JSON object is a ServerError, not a silent success', async () => {
    const { client } = scripted([{ status: 200, body: [] }]);
    await expect(client.getProfile('p')).rejects.toMatchObject({ code: 'SDK-ERROR-INVALID-RESPONSE' });
  });

  it('an abort by the caller stops retrying and rethrows the abort reason', async () => {
    const { client, seen } = scripted([new TypeError('fetch failed'), ok]);
    const controller = new AbortController();
    const reason = new Error('user gave up');
    controller.abort(reason);
    await expect(client.getProfile('p', { signal: controller.signal })).rejects.toBe(reason);
    expect(seen).toHaveLength(0);
  });

  it('an abort during the wait between retries stops there', async () => {
    // A long backoff (≥ 5 s) that the abort must cut short.
    const { client, seen } = scripted([new TypeError('fetch failed'), ok], 10_000);
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const call = client.getProfile('p', { signal: controller.signal, maxRetries: 1 });
    setTimeout(() => controller.abort(reason), 20);
    await expect(call).rejects.toBe(reason);
    expect(seen).toHaveLength(1);
  });

  it('encodes path segments', async () => {
    const { client, seen } = scripted([{ status: 200, body: { paymentProfiles: [] } }]);
    await client.listProfilesByCid('a/b?c');
    expect(seen[0]!.url).toMatch(/\/profile\/cid\/a%2Fb%3Fc$/);
  });
});

describe('backoffDelay', () => {
  const opts = { baseDelayMs: 100, maxDelayMs: 1000 };
  it('doubles per attempt, within [d/2, d], and is capped', () => {
    expect(backoffDelay(0, opts, undefined, () => 0)).toBe(50);
    expect(backoffDelay(0, opts, undefined, () => 1)).toBe(100);
    expect(backoffDelay(2, opts, undefined, () => 0)).toBe(200);
    expect(backoffDelay(2, opts, undefined, () => 1)).toBe(400);
    expect(backoffDelay(10, opts, undefined, () => 1)).toBe(1000);
    expect(backoffDelay(10, opts, undefined, () => 0)).toBe(500);
  });
  it('is jittered: different random draws give different delays', () => {
    expect(backoffDelay(1, opts, undefined, () => 0.1)).not.toBe(backoffDelay(1, opts, undefined, () => 0.9));
  });
  it('honours a longer Retry-After, still capped', () => {
    expect(backoffDelay(0, opts, 700, () => 0)).toBe(700);
    expect(backoffDelay(0, opts, 5000, () => 0)).toBe(1000);
  });
});
