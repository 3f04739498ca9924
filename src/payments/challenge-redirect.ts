import type { RedirectAction } from './created-transaction.js';
import type { PaymentsDeps } from './deps.js';

/**
 * Where a challenged payment sends the payer, in imoje's `action` shape: built here only, for the answer that
 * creates the payment and for a retry that resumes it, so the two can't drift. Beside an acquirer with
 * `simulatedChallenge` that is the gateway's simulated 3-D Secure page (`/3ds/:id`); a processor whose
 * challenge happens at the issuer (imoje upstream) gives its own URL, and the payer goes there.
 */
export function challengeRedirect(
  deps: PaymentsDeps,
  transactionId: string,
  processorUrl?: string,
): RedirectAction {
  return {
    type: 'redirect',
    url: processorUrl ?? `${deps.publicUrl()}/3ds/${transactionId}`,
    method: 'GET',
    contentType: '',
    contentBodyRaw: '',
  };
}
