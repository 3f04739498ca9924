import { backoffDelay, parseRetryAfter } from './backoff.js';
import { apiErrorFromResponse, IN_FLIGHT_CODE, NetworkError, ServerError, type ApiError } from './errors.js';
import { newIdempotencyKey } from './idempotency-key.js';

export interface TransportConfig {
  /** Up to and including `/v1/merchant/{merchantId}`, no trailing slash. */
  root: string;
  token: string;
  fetch: typeof globalThis.fetch;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  timeoutMs: number;
}

/** Per-call options, accepted by every client method as its last argument. */
export interface RequestOptions {
  /** Overrides the generated key, e.g. to make a retry across process restarts idempotent. POST only. */
  idempotencyKey?: string;
  /** Aborts the call, including any wait between retries; the abort reason is thrown as is. */
  signal?: AbortSignal;
  maxRetries?: number;
  /** Per attempt, ms. */
  timeoutMs?: number;
}

type Method = 'GET' | 'POST' | 'DELETE';

/** Retrying is safe for these: every POST carries the same Idempotency-Key on each attempt. */
function isRetryable(error: ApiError): boolean {
  return error.status >= 500 || (error.status === 409 && error.code === IN_FLIGHT_CODE);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class Transport {
  constructor(private readonly config: TransportConfig) {}

  /** `shape: 'array'` for the few imoje endpoints that answer with a top-level array (the service reads). */
  async request<T>(
    method: Method,
    path: string,
    body: unknown,
    options: RequestOptions = {},
    shape: 'object' | 'array' = 'object',
  ): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.config.token}`,
      accept: 'application/json',
    };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    // One key for all attempts of this call: that is what makes retrying a POST safe.
    if (method === 'POST') headers['idempotency-key'] = options.idempotencyKey ?? newIdempotencyKey();
    const maxRetries = options.maxRetries ?? this.config.maxRetries;
    const url = this.config.root + path;

    for (let attempt = 0; ; attempt++) {
      // An already-aborted signal fires no 'abort' event, so check before each attempt.
      if (options.signal?.aborted) throw options.signal.reason;
      let status: number;
      let text: string;
      let retryAfter: string | null;
      try {
        ({ status, text, retryAfter } = await this.attempt(url, method, headers, payload, options));
      } catch (err) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (attempt >= maxRetries) {
          const reason = err instanceof Error ? err.message : String(err);
          throw new NetworkError(`${method} ${url} failed after ${attempt + 1} attempt(s): ${reason}`, {
            cause: err,
          });
        }
        await sleep(this.delay(attempt), options.signal);
        continue;
      }
      if (status >= 200 && status < 300) return parseSuccess<T>(status, text, shape);
      const error = apiErrorFromResponse(status, text);
      if (!isRetryable(error) || attempt >= maxRetries) throw error;
      await sleep(this.delay(attempt, parseRetryAfter(retryAfter)), options.signal);
    }
  }

  private delay(attempt: number, retryAfterMs?: number): number {
    return backoffDelay(
      attempt,
      { baseDelayMs: this.config.retryBaseDelayMs, maxDelayMs: this.config.retryMaxDelayMs },
      retryAfterMs,
    );
  }

  /** One HTTP exchange with its own timeout; the caller's signal aborts it too. */
  private async attempt(
    url: string,
    method: Method,
    headers: Record<string, string>,
    body: string | undefined,
    options: RequestOptions,
  ): Promise<{ status: number; text: string; retryAfter: string | null }> {
    const controller = new AbortController();
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs;
    const timer = setTimeout(
      () => controller.abort(new Error(`no complete response within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const init: RequestInit = { method, headers, signal: controller.signal };
      if (body !== undefined) init.body = body;
      const res = await this.config.fetch(url, init);
      // Reading the body is part of the attempt: a connection cut mid-body is a network error too.
      const text = await res.text();
      return { status: res.status, text, retryAfter: res.headers.get('retry-after') };
    } catch (err) {
      throw controller.signal.aborted && !options.signal?.aborted ? controller.signal.reason : err;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * Success is a 2xx with a JSON object (imoje-api.md §1) — or, for `GET /services` and `get-payment-methods`, a
 * JSON array, as imoje answers those; anything else means something in between broke.
 */
function parseSuccess<T>(status: number, text: string, shape: 'object' | 'array'): T {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && Array.isArray(value) === (shape === 'array'))
      return value as T;
  } catch {
    // fall through to the error below
  }
  throw new ServerError({
    status,
    code: 'SDK-ERROR-INVALID-RESPONSE',
    message: `Expected a JSON ${shape}, got: ${text.slice(0, 200) || '(empty body)'}`,
    errors: [],
    instance: undefined,
    body: text,
  });
}
