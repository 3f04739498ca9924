import type { RedirectAction } from './created-transaction.js';
import type { PaymentsDeps } from './deps.js';

/**
 * Where a challenged payment sends the payer, in imoje's `action` shape: built here only, for the answer that
 * creates the payment and for a retry that resumes it, so the two can't drift. Today that is the gateway's
 * simulated 3-D Secure page (`/3ds/:id`, served only beside an acquirer with `simulatedChallenge`). A connector
 * whose challenge happens at the card issuer will supply its own URL, and this is where it plugs in.
 */
export function challengeRedirect(deps: PaymentsDeps, transactionId: string): RedirectAction {
  return {
    type: 'redirect',
    url: `${deps.publicUrl()}/3ds/${transactionId}`,
    method: 'GET',
    contentType: '',
    contentBodyRaw: '',
  };
}
