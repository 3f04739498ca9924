import type { PaymentsDeps } from '../payments/deps.js';
import type { Idempotency } from '../payments/idempotency.js';
import type { Authenticator } from './auth.js';

export interface HttpDeps {
  payments: PaymentsDeps;
  idempotency: Idempotency;
  auth: Authenticator;
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  mode: 'sandbox' | 'production';
  /** Fastify's `trustProxy`: which proxies' `X-Forwarded-For` names the client (`request.ip`). */
  trustProxy: boolean | string[];
}
