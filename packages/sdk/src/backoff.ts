export interface BackoffOptions {
  /** Delay before the first retry, ms. */
  baseDelayMs: number;
  /** No single wait is longer than this, ms. */
  maxDelayMs: number;
}

/**
 * Capped exponential backoff with jitter: attempt n waits a random time in [d/2, d], d = min(max, base·2ⁿ).
 * The random half spreads clients that failed together (a restart, a blip) so they do not retry in lockstep;
 * the fixed half keeps a minimum pause. A server's Retry-After wins when longer, still capped.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  const wait = retryAfterMs !== undefined ? Math.max(jittered, retryAfterMs) : jittered;
  return Math.min(wait, options.maxDelayMs);
}

/** `Retry-After` in seconds or as an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
