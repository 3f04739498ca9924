import type { ClientOptions } from './client.js';
import { Transport } from './transport.js';

/** What every client of a merchant's endpoints takes, imoje's and Kartoteka's alike. */
export type MerchantOptions = Pick<
  ClientOptions,
  'merchantId' | 'token' | 'maxRetries' | 'retryBaseDelayMs' | 'retryMaxDelayMs' | 'timeoutMs' | 'fetch'
>;

/**
 * The one place a merchant's transport is built: `root` is the API's base (`…/v1/merchant` or
 * `…/kartoteka/v1/merchant`, no trailing slash), `who` names the class in the errors.
 */
export function merchantTransport(who: string, root: string, options: MerchantOptions): Transport {
  if (!options.merchantId) throw new TypeError(`${who}: merchantId is required`);
  if (!options.token) throw new TypeError(`${who}: token is required`);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new TypeError(`${who}: no global fetch; pass options.fetch (Node 20+ has one built in)`);
  }
  return new Transport({
    root: `${root}/${encodeURIComponent(options.merchantId)}`,
    token: options.token,
    // Bound: some runtimes throw "Illegal invocation" when fetch is called detached from globalThis.
    fetch: options.fetch ?? fetchImpl.bind(globalThis),
    maxRetries: options.maxRetries ?? 2,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
    retryMaxDelayMs: options.retryMaxDelayMs ?? 8000,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
}

/**
 * Where Kartoteka's extension endpoints live for a {@link KartotekaClient}'s options: `extensionBaseUrl`, or
 * `baseUrl` (`http://HOST:PORT/v1/merchant`) with its `/v1/merchant` replaced by `/kartoteka/v1/merchant`.
 */
export function extensionRoot(baseUrl: string, extensionBaseUrl?: string): string {
  return (
    extensionBaseUrl?.replace(/\/+$/, '') ??
    baseUrl.replace(/\/+$/, '').replace(/\/v1\/merchant$/, '/kartoteka/v1/merchant')
  );
}

/** The extension root of a gateway given by its origin (`http://HOST:PORT`) or its imoje base (`…/v1/merchant`). */
export function gatewayExtensionRoot(gatewayUrl: string): string {
  return `${gatewayUrl.replace(/\/+$/, '').replace(/\/v1\/merchant$/, '')}/kartoteka/v1/merchant`;
}

/** A standalone extension class takes its options, or (from {@link KartotekaClient}) the client's transport. */
export function transportOf<O>(options: O | Transport, build: (options: O) => Transport): Transport {
  return options instanceof Transport ? options : build(options);
}

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
  return merchantTransport(who, extensionRoot(base, options.extensionBaseUrl), options);
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
