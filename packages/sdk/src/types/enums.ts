/** The currencies imoje accepts (imoje-api.md §1), uppercase. */
export const CURRENCIES = ['PLN', 'EUR', 'USD', 'GBP', 'CHF', 'SEK', 'HUF', 'CZK', 'BGN', 'RON'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** `ecom3ds` is a one-off 3-D Secure payment; `oneclick`/`recurring` register or use a stored card. */
export const PAYMENT_METHOD_CODES = ['ecom3ds', 'oneclick', 'recurring'] as const;
export type PaymentMethodCode = (typeof PAYMENT_METHOD_CODES)[number];

/** `settled`, `rejected`, `cancelled` and `error` are final; statuses only move forward. */
export const TRANSACTION_STATUSES = [
  'new',
  'pending',
  'authorized',
  'settled',
  'rejected',
  'cancelled',
  'error',
] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

/** The variant without a stored profile (imoje-api.md §5): `FIRST` registers, `STANDARD` debits. */
export type ProfileType = 'FIRST' | 'STANDARD';

/** The kind of a stored card profile. */
export type ProfileKind = 'ONE_CLICK' | 'RECURRING';

export type TransactionType = 'sale' | 'refund';
export type TransactionSource = 'api' | 'web';
