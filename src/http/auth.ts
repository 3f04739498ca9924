import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/domain-error.js';
import type { Clock } from '../domain/clock.js';
import { hashToken } from '../domain/token-hash.js';
import type { MerchantRepo } from '../storage/merchant-repo.js';

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

  constructor(
    private readonly merchants: () => MerchantRepo,
    private readonly clock: Clock,
    private readonly cacheMs = 5000,
  ) {}

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

  /** onRequest hook: the token must exist and belong to the merchant in the path. */
  async authenticate(request: FastifyRequest): Promise<void> {
    const merchantId = await this.merchantFor(request.headers.authorization);
    const pathMerchant = (request.params as { merchantId?: string }).merchantId;
    if (!merchantId || merchantId !== pathMerchant) {
      throw new DomainError('unauthorized', [
        { property: 'Authorization', message: 'Missing, invalid or foreign bearer token.' },
      ]);
    }
    request.merchantId = merchantId;
  }

  forget(): void {
    this.cache.clear();
  }
}
