import type { Currency, PaymentMethodCode } from './enums.js';

/** A logo list as imoje sends it; the URL is an `<img src>` (Kartoteka serves SVGs). */
export type ImageList = Array<{ png: string }>;

/** An amount limit in minor units. */
export interface TransactionLimit {
  type: 'number';
  value: number;
}

/** One card method of a service, in one currency, with the shop's inclusive amount limits. */
export interface ServicePaymentMethod {
  paymentMethod: 'card';
  paymentMethodCode: PaymentMethodCode;
  isActive: boolean;
  isOnline: boolean;
  description: string;
  currency: Currency;
  transactionLimits: { minTransaction: TransactionLimit; maxTransaction: TransactionLimit };
  paymentMethodImage: ImageList;
  paymentMethodCodeImage: ImageList;
}

export interface Service {
  id: string;
  /** Unix seconds. */
  created: number;
  isActive: boolean;
  paymentMethods: ServicePaymentMethod[];
}

export interface ServiceResponse {
  service: Service;
}

/** `GET /services` answers with a top-level array, as imoje's does. */
export type ServiceListResponse = Array<{ service: Service }>;

export interface GetPaymentMethodsRequest {
  amount: number;
  currency: Currency;
  device?: 'desktop' | 'mobile';
  /** Two letters, e.g. `pl`. */
  locale?: string;
}

export interface PaymentChannel {
  paymentMethod: 'card';
  paymentMethodCode: PaymentMethodCode;
  label: string;
  priority: number;
  isOnline: boolean;
  image: ImageList;
}

export interface PaymentMethodGroup {
  label: string;
  isOnline: boolean;
  image: ImageList;
  channels: PaymentChannel[];
  priority: number;
}

/** A top-level array; empty when the amount is outside the service's limits. */
export type PaymentMethodsResponse = PaymentMethodGroup[];
