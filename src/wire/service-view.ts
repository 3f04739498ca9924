import { unixSeconds } from '../domain/clock.js';
import { CURRENCIES, type Currency } from '../domain/money.js';
import { PAYMENT_METHOD_CODES, type PaymentMethodCode } from '../domain/transaction.js';
import { withinLimits, type TransactionLimits } from '../domain/transaction-limits.js';

/** What a service view needs of a shop. */
export interface ServiceSource extends TransactionLimits {
  id: string;
  createdAt: number;
}

/** imoje sends logos as `[{png: url}]`; clients read that key for an `<img src>`, so ours (SVG) go there too. */
export type ImageList = Array<{ png: string }>;

export interface LimitView {
  type: 'number';
  value: number;
}

export interface ServicePaymentMethodView {
  paymentMethod: 'card';
  paymentMethodCode: PaymentMethodCode;
  isActive: boolean;
  isOnline: boolean;
  description: string;
  currency: Currency;
  transactionLimits: { minTransaction: LimitView; maxTransaction: LimitView };
  paymentMethodImage: ImageList;
  paymentMethodCodeImage: ImageList;
}

export interface ServiceView {
  id: string;
  created: number;
  isActive: boolean;
  paymentMethods: ServicePaymentMethodView[];
}

export const METHOD_DESCRIPTIONS: Record<PaymentMethodCode, string> = {
  ecom3ds: 'Payment card',
  oneclick: 'Payment card - OneClick',
  recurring: 'Payment card - recurring',
};

/** The logo files the gateway serves under /assets/methods/. */
export const methodLogoPath = (name: 'card' | PaymentMethodCode) => `/assets/methods/${name}.svg`;

const images = (baseUrl: string, name: 'card' | PaymentMethodCode): ImageList => [
  { png: baseUrl + methodLogoPath(name) },
];

/**
 * Every card method a shop offers — ecom3ds, oneclick and recurring (no shop switches them off) — once per
 * currency the gateway accepts, as imoje lists a method per currency; each with the shop's amount limits.
 */
export function serviceView(shop: ServiceSource, baseUrl: string): ServiceView {
  const limit = (value: number): LimitView => ({ type: 'number', value });
  const paymentMethods: ServicePaymentMethodView[] = PAYMENT_METHOD_CODES.flatMap((code) =>
    CURRENCIES.map((currency) => ({
      paymentMethod: 'card' as const,
      paymentMethodCode: code,
      isActive: true,
      isOnline: true,
      description: METHOD_DESCRIPTIONS[code],
      currency,
      transactionLimits: {
        minTransaction: limit(shop.minTransaction),
        maxTransaction: limit(shop.maxTransaction),
      },
      paymentMethodImage: images(baseUrl, 'card'),
      paymentMethodCodeImage: images(baseUrl, code),
    })),
  );
  return { id: shop.id, created: unixSeconds(shop.createdAt), isActive: true, paymentMethods };
}

export interface PaymentChannelView {
  paymentMethod: 'card';
  paymentMethodCode: PaymentMethodCode;
  label: string;
  priority: number;
  isOnline: boolean;
  image: ImageList;
}

export interface PaymentMethodGroupView {
  label: string;
  isOnline: boolean;
  image: ImageList;
  channels: PaymentChannelView[];
  priority: number;
}

/**
 * `get-payment-methods`: what a payer could use for this amount — the card group with its three channels, or
 * nothing when the amount is outside the shop's limits (every currency the gateway accepts takes cards).
 */
export function paymentMethodsView(
  shop: ServiceSource,
  amount: number,
  baseUrl: string,
): PaymentMethodGroupView[] {
  if (!withinLimits(shop, amount)) return [];
  const channels = PAYMENT_METHOD_CODES.map((code, i) => ({
    paymentMethod: 'card' as const,
    paymentMethodCode: code,
    label: METHOD_DESCRIPTIONS[code],
    priority: i + 1,
    isOnline: true,
    image: images(baseUrl, code),
  }));
  return [{ label: 'Payment card', isOnline: true, image: images(baseUrl, 'card'), channels, priority: 1 }];
}
