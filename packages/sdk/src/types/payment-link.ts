import type { Agreement, AgreementDeclaration } from './agreement.js';
import type { Currency } from './enums.js';

/** `POST /payment`: a payment link the payer pays on the hosted paywall, at most once. */
export interface CreatePaymentLinkRequest {
  serviceId: string;
  /** Minor units. */
  amount: number;
  currency: Currency;
  orderId: string;
  customer: { firstName: string; lastName: string; email: string; phone?: string; cid?: string };
  title?: string;
  visibleMethod?: string[];
  /** `oneclick` or `recurring` with `customer.cid` registers the card; anything else pays once (`ecom3ds`). */
  preselectMethodCode?: string;
  returnUrl?: string;
  successReturnUrl?: string;
  failureReturnUrl?: string;
  notificationUrl?: string;
  /** Unix seconds; 15 months after creation when left out. */
  validTo?: number;
  /** Kartoteka's extension: the agreement a `recurring` link (`preselectMethodCode`, `customer.cid`) declares. */
  agreement?: AgreementDeclaration | null;
}

export type PaymentLinkStatus = 'open' | 'paying' | 'paid' | 'cancelled' | 'expired';

export interface PaymentLink {
  id: string;
  /** Send the payer here (the hosted paywall, on the gateway's origin). */
  url: string;
  serviceId: string;
  orderId: string;
  amount: number;
  currency: Currency;
  title: string;
  customer: { firstName: string; lastName: string; email: string; phone: string | null; cid: string | null };
  visibleMethod: string[];
  preselectMethodCode: string | null;
  returnUrl: string | null;
  successReturnUrl: string | null;
  failureReturnUrl: string | null;
  notificationUrl: string | null;
  validTo: number;
  isActive: boolean;
  status: PaymentLinkStatus;
  transactionId: string | null;
  created: number;
  modified: number;
}

export interface PaymentLinkResponse {
  payment: PaymentLink;
  /** Kartoteka's extension: only for a link that declared an agreement (`status` `pending` until paid). */
  agreement?: Agreement;
}
