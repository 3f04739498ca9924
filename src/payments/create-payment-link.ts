import type { AgreementInput } from '../domain/agreement.js';
import { newId } from '../domain/ids.js';
import type { Currency } from '../domain/money.js';
import { linkCardMethod, type PaymentLink } from '../domain/payment-link.js';
import { declaredAgreement } from './declare-agreement.js';
import type { PaymentsDeps } from './deps.js';
import { shopForPayment } from './payment-shop.js';

/** imoje: "Each unpaid link will expire automatically 15 months after its creation date." */
export const DEFAULT_LINK_LIFETIME_MS = 15 * 30 * 24 * 60 * 60_000;

export interface CreatePaymentLinkInput {
  serviceId: string;
  amount: number;
  currency: Currency;
  orderId: string;
  title?: string | null | undefined;
  customer: {
    firstName: string;
    lastName: string;
    email: string;
    phone?: string | null | undefined;
    cid?: string | null | undefined;
  };
  visibleMethod?: string[] | null | undefined;
  preselectMethodCode?: string | null | undefined;
  returnUrl?: string | null | undefined;
  successReturnUrl?: string | null | undefined;
  failureReturnUrl?: string | null | undefined;
  notificationUrl?: string | null | undefined;
  /** Unix seconds (imoje) or milliseconds already converted by the caller. */
  validToMs?: number | null | undefined;
  /** Kartoteka's extension: a `recurring` link's agreement, passed on to the registration its payer makes. */
  agreement?: AgreementInput | null | undefined;
}

/**
 * Stores a link; nothing is charged until the payer pays it on the paywall. The shop's amount limits are
 * checked now, so a link the shop could never be paid is refused when it is made, not when it is opened.
 */
export async function createPaymentLink(
  deps: PaymentsDeps,
  merchantId: string,
  input: CreatePaymentLinkInput,
): Promise<PaymentLink> {
  const shop = await shopForPayment(deps, merchantId, input.serviceId, input.amount);
  const now = deps.clock.now();
  const link: PaymentLink = {
    id: newId(),
    merchantId,
    serviceId: input.serviceId,
    amount: input.amount,
    currency: input.currency,
    orderId: input.orderId,
    title: input.title ?? '',
    customerFirstName: input.customer.firstName,
    customerLastName: input.customer.lastName,
    customerEmail: input.customer.email,
    customerPhone: input.customer.phone ?? null,
    customerCid: input.customer.cid ?? null,
    visibleMethod: input.visibleMethod ?? [],
    preselectMethodCode: input.preselectMethodCode ?? null,
    returnUrl: input.returnUrl ?? null,
    successReturnUrl: input.successReturnUrl ?? null,
    failureReturnUrl: input.failureReturnUrl ?? null,
    notificationUrl: input.notificationUrl ?? null,
    validTo: input.validToMs ?? now + DEFAULT_LINK_LIFETIME_MS,
    status: 'active',
    createdAt: now,
    modifiedAt: now,
  };
  // Checked as the registration will check it, so a link its payer could never pay is refused now.
  link.agreement = declaredAgreement(shop, input.agreement, linkCardMethod(link), null, now);
  await deps.storage.repos.paymentLinks.insert(link);
  return link;
}
