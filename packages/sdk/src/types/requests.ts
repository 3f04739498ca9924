import type { AgreementDeclaration } from './agreement.js';
import type { Currency, PaymentMethodCode } from './enums.js';

export interface Customer {
  firstName: string;
  lastName: string;
  email: string;
  /** The payer id; required for `oneclick` and `recurring`. ≤36 chars of `[A-Za-z0-9-]`. */
  cid?: string | null;
  phone?: string | null;
  company?: string | null;
  locale?: string | null;
}

/** Card data; only shops with PCI DSS enablement may send it. */
export interface Card {
  number: string;
  /** `"MM"` */
  month: string;
  /** `"YYYY"` */
  year: string;
  cvv: string;
  firstName: string;
  lastName: string;
}

/** A `STANDARD` debit carries the first transaction's reference instead of a CVV. */
export interface StandardCard {
  number: string;
  month: string;
  year: string;
  firstName: string;
  lastName: string;
  firstTransactionId: string;
  cvv?: never;
}

/** 3-D Secure 2 browser data. */
export interface BrowserData {
  ip: string;
  language: string;
  jsEnabled: boolean;
  timezoneOffset: number;
  userAgent: string;
  accept: string;
  javaEnabled: boolean;
  screenColorDepth: number;
  screenHeight: number;
  screenWidth: number;
}

export interface AdditionalData {
  browser?: BrowserData;
  [key: string]: unknown;
}

interface SaleFields {
  type: 'sale';
  serviceId: string;
  /** Minor units, 1…999999999. */
  amount: number;
  currency: Currency;
  /** ≤100 chars. */
  orderId: string;
  title?: string | null;
  paymentMethod: 'card';
  /** Absolute URL the payer returns to after a passed 3-D Secure. */
  successReturnUrl: string;
  failureReturnUrl: string;
  notificationUrl?: string | null;
  customer: Customer;
  additionalData?: AdditionalData | null;
  clientIp?: string | null;
  validTo?: string | number | null;
  billing?: Record<string, unknown> | null;
  shipping?: Record<string, unknown> | null;
}

/** Kartoteka's extension on a `recurring` registration or `FIRST` (not imoje's; see `AgreementDeclaration`). */
interface DeclaresAgreement {
  agreement?: AgreementDeclaration | null;
}

/** A one-off 3-D Secure payment (`ecom3ds`) or a card registration (`oneclick`/`recurring`, creates a profile). */
export interface CardTransactionRequest extends SaleFields, DeclaresAgreement {
  paymentMethodCode: PaymentMethodCode;
  card?: Card | null;
  profileType?: null;
}

/** Registration without a profile (imoje-api.md §5): verified like a registration, no profile is stored. */
export interface FirstTransactionRequest extends SaleFields, DeclaresAgreement {
  paymentMethodCode: 'oneclick' | 'recurring';
  profileType: 'FIRST';
  card: Card;
}

/** A debit without a profile: the card plus the `firstTransactionId` of a settled `FIRST` payment. */
export interface StandardTransactionRequest extends SaleFields {
  paymentMethodCode: 'oneclick' | 'recurring';
  profileType: 'STANDARD';
  card: StandardCard;
}

export type CreateTransactionRequest =
  CardTransactionRequest | FirstTransactionRequest | StandardTransactionRequest;

export interface RefundRequest {
  /** Filled in by the SDK when omitted. */
  type?: 'refund';
  serviceId: string;
  /** Minor units; partial refunds are allowed while their sum stays within the sale amount. */
  amount: number;
  title?: string | null;
  sendRefundConfirmationEmail?: boolean | null;
}

export interface CanRefundRequest {
  amount: number;
}

export interface CaptureRequest {
  /**
   * Minor units, at most the authorised amount: that much is captured and the rest of the hold released.
   * Absent: the whole authorised amount.
   */
  amount?: number | null;
}
