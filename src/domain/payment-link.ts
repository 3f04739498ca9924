import type { AgreementTerms } from './agreement.js';
import type { Currency } from './money.js';

/** The card methods a payment link can open with; anything else opens the card form as `ecom3ds`. */
export const LINK_CARD_METHODS = ['ecom3ds', 'oneclick', 'recurring'] as const;
export type LinkCardMethod = (typeof LINK_CARD_METHODS)[number];

/** `active` until cancelled; "paid" and "expired" are read from the order and the clock, never stored. */
export type PaymentLinkStatus = 'active' | 'cancelled';

/** A payment link (imoje `POST /payment`): an order the payer pays on the hosted paywall, at most once. */
export interface PaymentLink {
  id: string;
  merchantId: string;
  serviceId: string;
  amount: number;
  currency: Currency;
  orderId: string;
  title: string;
  customerFirstName: string;
  customerLastName: string;
  customerEmail: string;
  customerPhone: string | null;
  customerCid: string | null;
  visibleMethod: string[];
  preselectMethodCode: string | null;
  returnUrl: string | null;
  successReturnUrl: string | null;
  failureReturnUrl: string | null;
  notificationUrl: string | null;
  /** Unix milliseconds; imoje expires an unpaid link 15 months after creation when none is given. */
  validTo: number;
  status: PaymentLinkStatus;
  createdAt: number;
  modifiedAt: number;
  /** Kartoteka's extension: the recurring agreement a `recurring` link's registration declares. */
  agreement?: AgreementTerms | null;
}

/** What the payer sees when opening a link: only `open` shows the card form. */
export type PaymentLinkState = 'open' | 'paying' | 'paid' | 'cancelled' | 'expired';

export function linkState(
  link: PaymentLink,
  order: 'open' | 'paying' | 'paid',
  now: number,
): PaymentLinkState {
  if (order === 'paid') return 'paid';
  if (link.status === 'cancelled') return 'cancelled';
  if (order === 'paying') return 'paying';
  if (link.validTo < now) return 'expired';
  return 'open';
}

/** The card method a link opens with: `oneclick`/`recurring` register a card only for a payer with a cid. */
export function linkCardMethod(link: PaymentLink): LinkCardMethod {
  const code = link.preselectMethodCode;
  if ((code === 'oneclick' || code === 'recurring') && link.customerCid) return code;
  return 'ecom3ds';
}
