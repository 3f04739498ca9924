import type { Clock } from '../domain/clock.js';
import type { DomainError } from '../domain/domain-error.js';
import { RateLimiter } from './rate-limiter.js';
import { ThrottledError } from './throttled-error.js';

/**
 * A budget of failed authentications per client address, shared by the merchant API and `/admin`. It is
 * consulted only once a request has already failed to authenticate: a valid token is never refused for what
 * others did from the same address (behind a load balancer every shop may share one). Guessing stays slow,
 * and tokens are long enough (merchant tokens are random, admin tokens ≥ 32 characters) that the throttle's
 * job is to make probing expensive and visible, not to be the only thing standing in the way.
 */
export class AuthFailureThrottle {
  private readonly limiter: RateLimiter;

  constructor(perMinute: number, clock: Clock) {
    this.limiter = new RateLimiter(perMinute / 60, perMinute, () => clock.now());
  }

  /** Counts a failed attempt from `address`; the error to answer with: `unauthorized`, or 429 once over budget. */
  failed(address: string, unauthorized: DomainError): DomainError {
    if (this.limiter.take(address)) return unauthorized;
    return new ThrottledError('tooManyAuthFailures', this.limiter.retryAfterSeconds(address));
  }
}
