import type { AgreementInput } from '../domain/agreement.js';
import type { Currency } from '../domain/money.js';
import type { Customer, ProfileVariant } from '../domain/transaction.js';

/** `POST /transaction`, after the HTTP layer has checked shapes, lengths and patterns. */
export interface CreateTransactionInput {
  serviceId: string;
  amount: number;
  currency: Currency;
  orderId: string;
  title?: string | null | undefined;
  paymentMethod: string;
  paymentMethodCode: string;
  successReturnUrl: string;
  failureReturnUrl: string;
  notificationUrl?: string | null | undefined;
  customer: Customer;
  card?: CardInput | null | undefined;
  profileType?: ProfileVariant | null | undefined;
  /** imoje's `additionalData`; its `browser` (3-D Secure 2 browser data) goes to a processor that runs 3-D Secure. */
  additionalData?: Record<string, unknown> | null | undefined;
  /** Kartoteka's extension (issue 15): the recurring agreement a `recurring` registration declares. */
  agreement?: AgreementInput | null | undefined;
}

export interface CardInput {
  number: string;
  month: string;
  year: string;
  cvv?: string | null | undefined;
  firstName: string;
  lastName: string;
  firstTransactionId?: string | null | undefined;
}

/** `POST /transaction/profile`. */
export interface DebitProfileInput {
  serviceId: string;
  paymentProfileId: string;
  amount: number;
  currency: Currency;
  orderId: string;
  title?: string | null | undefined;
  notificationUrl?: string | null | undefined;
}
