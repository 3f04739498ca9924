import type { PaymentsDeps } from '../payments/deps.js';
import type { Idempotency } from '../payments/idempotency.js';
import type { TestClocks } from '../payments/test-clock.js';
import type { Authenticator } from './auth.js';
import type { RequestRecorder } from './request-metrics.js';
import type { RequestLogSink } from './request-log.js';
import type { LandingInfo } from './pages/landing.js';

export interface HttpDeps {
  payments: PaymentsDeps;
  idempotency: Idempotency;
  auth: Authenticator;
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  mode: 'sandbox' | 'production';
  /** Fastify's `trustProxy`: which proxies' `X-Forwarded-For` names the client (`request.ip`). */
  trustProxy: boolean | string[];
  /**
   * The origin allowed to frame a transaction's simulated 3-D Secure page: the shop page whose widget started
   * the payment (the page opens inside the widget's iframe). null, or unset: nobody may frame it.
   */
  challengeFramer?: (transactionId: string) => Promise<string | null>;
  /** Records every answered request (metrics); unset: nothing is recorded. */
  requests?: RequestRecorder;
  /** The merchants' request log the dashboard shows (masked, batched); unset: not kept. */
  requestLog?: RequestLogSink;
  /** The landing page at `/` (name, version, links; the sandbox credentials in sandbox mode). */
  landing?: LandingInfo;
  /** Test clocks (sandbox; production answers 403), under the extension prefix `/kartoteka/v1/merchant/…`. */
  testClocks?: TestClocks;
}
