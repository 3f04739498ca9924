/**
 * A token bucket per key, in memory: each key gets `ratePerSecond` requests per second with bursts up to
 * `burst`. Per instance, deliberately: it protects this process; a global quota belongs in the load balancer.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {}

  /** Takes one token; false when the key is over its limit. */
  take(key: string): boolean {
    const now = this.now();
    const bucket = { tokens: this.tokens(key, now), at: now };
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    if (this.buckets.size > 50_000) this.buckets.clear(); // bounded memory under address spraying
    this.buckets.set(key, bucket);
    return allowed;
  }

  /** Whole seconds until the key has a token again (at least 1, so it can go straight into `Retry-After`). */
  retryAfterSeconds(key: string): number {
    const missing = 1 - this.tokens(key, this.now());
    return Math.max(1, Math.ceil(missing / this.ratePerSecond));
  }

  private tokens(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.burst;
    return Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
  }
}
