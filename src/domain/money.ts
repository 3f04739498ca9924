export const CURRENCIES = ['PLN', 'EUR', 'USD', 'GBP', 'CHF', 'SEK', 'HUF', 'CZK', 'BGN', 'RON'] as const;
export type Currency = (typeof CURRENCIES)[number];

export const MIN_AMOUNT = 1;
export const MAX_AMOUNT = 999_999_999;

/** "1.00 PLN" from 100 minor units; used on pages shown to payers. */
export function formatAmount(amount: number, currency: string): string {
  return `${(amount / 100).toFixed(2)} ${currency}`;
}
