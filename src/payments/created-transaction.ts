import type { PaymentResult } from '../domain/payment-result.js';
import type { Agreement } from '../storage/agreement-repo.js';

/** Where to send the payer next: the gateway's 3-D Secure page, in imoje's `action` shape. */
export interface RedirectAction {
  type: 'redirect';
  url: string;
  method: 'GET';
  contentType: '';
  contentBodyRaw: '';
}

/** What `POST /transaction` answers, whichever variant (3-D Secure, registration, STANDARD) handled it. */
export interface CreatedTransaction extends PaymentResult {
  action?: RedirectAction;
  /** Only when the registration declared one: the answer then carries it (an extension field). */
  agreement?: Agreement | undefined;
}
