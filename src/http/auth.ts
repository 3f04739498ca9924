import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/domain-error.js';
import type { Clock } from '../domain/clock.js';
import { hashToken } from '../domain/token-hash.js';
import type { AuthFailureThrottle } from './auth-failures.js';
import { bearerToken } from './bearer.js';
import { RateLimiter } from './rate-limiter.js';
import { ThrottledError } from './throttled-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    merchantId: string;
  }
}

/** Who holds a token: the one question the authenticator asks the database (the merchants' repository answers). */
export interface TokenOwners {
  findTokenByHash(tokenHash: string): Promise<{ merchantId: string; tokenHash: string } | undefined>;
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

  private readonly perToken: RateLimiter | null;

  constructor(
    private readonly merchants: () => TokenOwners,
    private readonly clock: Clock,
    private readonly failures: AuthFailureThrottle,
    requestsPerSecondPerToken: number,
    private readonly cacheMs = 5000,
  ) {
    const rate = requestsPerSecondPerToken;
    this.perToken = rate > 0 ? new RateLimiter(rate, rate * 2, () => clock.now()) : null;
  }

  private async merchantForHash(hash: string): Promise<string | null> {
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
   * onRequest hook: the token must exist and belong to the merchant in the path. Only failures count against
   * the client's address; each token has a request rate limit, keyed on the token itself (its hash), never on
   * how the header happened to be spelled.
   */
  async authenticate(request: FastifyRequest): Promise<void> {
    const token = bearerToken(request.headers.authorization);
    const hash = token === null ? null : hashToken(token);
    const merchantId = hash === null ? null : await this.merchantForHash(hash);
    const pathMerchant = (request.params as { merchantId?: string }).merchantId;
    if (hash === null || !merchantId || merchantId !== pathMerchant) {
      throw this.failures.failed(
        request.ip,
        new DomainError('unauthorized', [
          { property: 'Authorization', message: 'Missing, invalid or foreign bearer token.' },
        ]),
      );
    }
    if (this.perToken && !this.perToken.take(hash)) {
      throw new ThrottledError('rateLimited', this.perToken.retryAfterSeconds(hash));
    }
    request.merchantId = merchantId;
  }
}
