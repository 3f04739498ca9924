import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { nonPublicReason } from './ip-ranges.js';

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** Where to send: the URL, and (when checked) the one address the connection must go to. */
export interface Target {
  url: URL;
  hostname: string;
  /** null: let the system resolve (sandbox mode, where any address is allowed). */
  address: string | null;
  family: 4 | 6 | null;
}

export type TargetCheck = { ok: true; target: Target } | { ok: false; error: string };

/**
 * imoje-api.md §6: in production a notification goes only over https (or plain http on port 80) to a public
 * address. The host is resolved here and every address checked; the connection is then pinned to a checked
 * address, so a DNS answer that changes between check and connect (rebinding) cannot redirect it.
 */
export async function checkTarget(
  rawUrl: string,
  mode: 'sandbox' | 'production',
  resolve: Resolver = systemResolver,
): Promise<TargetCheck> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, error: `notification URL is not a valid absolute URL: ${rawUrl}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, error: `notification URL must be http or https, not ${url.protocol}` };
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(hostname);
  if (mode === 'sandbox') {
    const family = literal === 4 || literal === 6 ? literal : null;
    return { ok: true, target: { url, hostname, address: family ? hostname : null, family } };
  }

  if (url.protocol === 'http:' && url.port !== '' && url.port !== '80') {
    return {
      ok: false,
      error: `refused in production mode: plain http only on port 80, not ${url.port}; use https`,
    };
  }
  let addresses: Array<{ address: string; family: number }>;
  if (literal) {
    addresses = [{ address: hostname, family: literal }];
  } else {
    try {
      addresses = await resolve(hostname);
    } catch (err) {
      return { ok: false, error: `cannot resolve ${hostname}: ${(err as Error).message}` };
    }
    if (addresses.length === 0) return { ok: false, error: `cannot resolve ${hostname}: no addresses` };
  }
  for (const a of addresses) {
    const why = nonPublicReason(a.address);
    if (why) {
      const via = literal ? '' : ` (resolved from ${hostname})`;
      return {
        ok: false,
        error: `refused in production mode: ${a.address}${via} is a ${why} address, not a public one`,
      };
    }
  }
  const first = addresses[0]!;
  return {
    ok: true,
    target: { url, hostname, address: first.address, family: first.family === 6 ? 6 : 4 },
  };
}
