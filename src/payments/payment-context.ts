import type { PaymentProfile } from '../domain/profile.js';
import type { Shop } from '../storage/merchant-repo.js';
import type { CardRetryState } from '../domain/reattempt.js';
import type { SealedCard } from '../vault/sealed-card.js';

/**
 * What the request already loaded, passed down once so that nothing is read twice: the shop (whether it
 * pre-authorises, where its notifications go) and, for a debit, the profile it uses and its sealed card (for
 * the vault). A finaliser without a request (recovery, expiry, capture) reads what it needs itself.
 */
export interface PaymentContext {
  shop: Shop;
  profile?: PaymentProfile | undefined;
  card?: SealedCard | undefined;
  /**
   * A merchant-initiated debit: its card (fingerprint, expiry) and that card's retry state as read before the
   * debit (undefined: no recent declines), so finalising an approval of a clean card writes nothing more.
   */
  retry?: RetryContext | undefined;
  /**
   * A registration or FIRST payment: whether its request declared a recurring agreement. False spares the
   * finalisation the agreement's activation (there is none); undefined (a finaliser without the request) runs it.
   */
  declaredAgreement?: boolean | undefined;
}

export interface RetryContext {
  fingerprint: string;
  month: string;
  year: string;
  state: CardRetryState | undefined;
}
