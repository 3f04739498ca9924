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
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    if (this.buckets.size > 50_000) this.buckets.clear(); // bounded memory under address spraying
    this.buckets.set(key, bucket);
    return allowed;
  }

  /** Whether the key still has a token, without taking one. */
  peek(key: string): boolean {
    const bucket = this.buckets.get(key);
    if (!bucket) return true;
    const tokens = Math.min(
      this.burst,
      bucket.tokens + ((this.now() - bucket.at) / 1000) * this.ratePerSecond,
    );
    return tokens >= 1;
  }
}
