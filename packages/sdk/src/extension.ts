import type { ClientOptions } from './client.js';
import { Transport } from './transport.js';

/**
 * The root of Kartoteka's own extension endpoints for a merchant. They live beside imoje's API on the same
 * gateway: `http://HOST:PORT/v1/merchant` (the baseUrl a KartotekaClient takes) → `http://HOST:PORT/kartoteka/v1/merchant`.
 * imoje has no such endpoints, so a baseUrl is required.
 */
export function extensionTransport(who: string, options: ClientOptions): Transport {
  if (!options.merchantId) throw new TypeError(`${who}: merchantId is required`);
  if (!options.token) throw new TypeError(`${who}: token is required`);
  const base = (options.baseUrl ?? '').replace(/\/+$/, '');
  if (!/\/v1\/merchant$/.test(base) || /^https:\/\/(sandbox\.)?api\.imoje\.pl\//.test(base)) {
    throw new TypeError(
      `${who}: a Kartoteka extension; pass the gateway's baseUrl (http://HOST:PORT/v1/merchant), not imoje's`,
    );
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError(`${who}: no global fetch; pass options.fetch`);
  return new Transport({
    root: `${base.replace(/\/v1\/merchant$/, '/kartoteka/v1/merchant')}/${encodeURIComponent(options.merchantId)}`,
    token: options.token,
    fetch: options.fetch ?? fetchImpl.bind(globalThis),
    maxRetries: options.maxRetries ?? 2,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
    retryMaxDelayMs: options.retryMaxDelayMs ?? 8000,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
}

/** `?a=1&b=2` from the defined values ('' when none). */
export function queryString(values: Record<string, string | number | Date | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    params.set(key, value instanceof Date ? value.toISOString() : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
