import type { DomainError } from '../domain/domain-error.js';
import type { PaymentsDeps } from '../payments/deps.js';
import type { TestClocks } from '../payments/test-clock.js';

/** The failed-authentication budget the API and /admin share (http/auth-failures.ts), seen as a port. */
export interface FailureBudget {
  /** Counts a failure from `address`; the error to show: `unauthorized`, or a 429 once over budget. */
  failed(address: string, unauthorized: DomainError): DomainError;
}

/** What the composition root hands the dashboard. */
export interface DashboardDeps {
  payments: PaymentsDeps;
  mode: 'sandbox' | 'production';
  /** Signs an operator in (every merchant); null: only merchants can sign in. */
  adminToken: string | null;
  failures: FailureBudget;
  /** The operators' resend (admin/notifications.ts): due now, a fresh retry schedule. */
  resend(notificationId: string): Promise<void>;
  /** The sandbox merchant's token, offered on the sign-in page in sandbox mode only. */
  sandboxToken: () => string | null;
  /** Whether browsers reach the gateway over https (then the cookie is `Secure`). */
  secure: () => boolean;
  /** The shops' test clocks (sandbox mode only); unset: no test clock page. */
  testClocks?: Pick<TestClocks, 'show' | 'freeze' | 'advance' | 'remove'>;
}
