import { unixSeconds } from '../domain/clock.js';
import type { PaymentLink, PaymentLinkState } from '../domain/payment-link.js';

/** imoje's `payment` object for a link; `status` and `transactionId` are what a shop polls for. */
export interface PaymentLinkView {
  id: string;
  url: string;
  serviceId: string;
  orderId: string;
  amount: number;
  currency: string;
  title: string;
  customer: { firstName: string; lastName: string; email: string; phone: string | null; cid: string | null };
  visibleMethod: string[];
  preselectMethodCode: string | null;
  returnUrl: string | null;
  successReturnUrl: string | null;
  failureReturnUrl: string | null;
  notificationUrl: string | null;
  /** Unix seconds. */
  validTo: number;
  isActive: boolean;
  status: PaymentLinkState;
  transactionId: string | null;
  created: number;
  modified: number;
}

/** The payer-facing address of a link on the gateway's own origin. */
export function paymentLinkUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/paywall/link/${id}`;
}

export function paymentLinkView(
  l: PaymentLink,
  state: PaymentLinkState,
  transactionId: string | null,
  publicUrl: string,
): PaymentLinkView {
  return {
    id: l.id,
    url: paymentLinkUrl(publicUrl, l.id),
    serviceId: l.serviceId,
    orderId: l.orderId,
    amount: l.amount,
    currency: l.currency,
    title: l.title,
    customer: {
      firstName: l.customerFirstName,
      lastName: l.customerLastName,
      email: l.customerEmail,
      phone: l.customerPhone,
      cid: l.customerCid,
    },
    visibleMethod: l.visibleMethod,
    preselectMethodCode: l.preselectMethodCode,
    returnUrl: l.returnUrl,
    successReturnUrl: l.successReturnUrl,
    failureReturnUrl: l.failureReturnUrl,
    notificationUrl: l.notificationUrl,
    validTo: unixSeconds(l.validTo),
    isActive: state === 'open',
    status: state,
    transactionId,
    created: unixSeconds(l.createdAt),
    modified: unixSeconds(l.modifiedAt),
  };
}
