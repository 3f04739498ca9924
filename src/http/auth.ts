import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/domain-error.js';
import type { Clock } from '../domain/clock.js';
import { hashToken } from '../domain/token-hash.js';
import type { MerchantRepo } from '../storage/merchant-repo.js';
import { RateLimiter } from './rate-limiter.js';

declare module 'fastify' {
  interface FastifyRequest {
    merchantId: string;
  }
}

interface CacheEntry {
  merchantId: string | null;
  until: number;
}

/**
 * Bearer-token authentication. Tokens are stored as SHA-256 hashes; the looked-up hash is compared again in
 * constant time. Results are cached briefly (so a revoked token stops working within `cacheMs`) to keep the
 * database off the hot path.
 */
export class Authenticator {
  private readonly cache = new Map<string, CacheEntry>();

  private readonly failures: RateLimiter;
  private readonly perToken: RateLimiter | null;

  constructor(
    private readonly merchants: () => MerchantRepo,
    private readonly clock: Clock,
    limits: { authFailuresPerMinute: number; requestsPerSecondPerToken: number },
    private readonly cacheMs = 5000,
  ) {
    const now = () => clock.now();
    this.failures = new RateLimiter(limits.authFailuresPerMinute / 60, limits.authFailuresPerMinute, now);
    const rate = limits.requestsPerSecondPerToken;
    this.perToken = rate > 0 ? new RateLimiter(rate, rate * 2, now) : null;
  }

  async merchantFor(authorization: string | undefined): Promise<string | null> {
    const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) return null;
    const hash = hashToken(match[1]);
    const now = this.clock.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.merchantId;
    const row = await this.merchants().findTokenByHash(hash);
    const ok =
      row !== undefined && timingSafeEqual(Buffer.from(row.tokenHash, 'hex'), Buffer.from(hash, 'hex'));
    const merchantId = ok ? row.merchantId : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { merchantId, until: now + this.cacheMs });
    return merchantId;
  }

  /**
   * onRequest hook: the token must exist and belong to the merchant in the path. An address that keeps failing
   * is refused for a while (guessing tokens gets slow), and each token has a request rate limit.
   */
  async authenticate(request: FastifyRequest): Promise<void> {
    if (!this.failures.peek(request.ip)) throw new DomainError('tooManyAuthFailures');
    const merchantId = await this.merchantFor(request.headers.authorization);
    const pathMerchant = (request.params as { merchantId?: string }).merchantId;
    if (!merchantId || merchantId !== pathMerchant) {
      this.failures.take(request.ip);
      throw new DomainError('unauthorized', [
        { property: 'Authorization', message: 'Missing, invalid or foreign bearer token.' },
      ]);
    }
    if (this.perToken && !this.perToken.take(request.headers.authorization ?? '')) {
      throw new DomainError('rateLimited');
    }
    request.merchantId = merchantId;
  }
}
