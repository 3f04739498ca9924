export const CURRENCIES = ['PLN', 'EUR', 'USD', 'GBP', 'CHF', 'SEK', 'HUF', 'CZK', 'BGN', 'RON'] as const;
export type Currency = (typeof CURRENCIES)[number];

export const MIN_AMOUNT = 1;
export const MAX_AMOUNT = 999_999_999;

/** The languages payers read amounts in: the widget's and the paywall's locales. */
export type MoneyLocale = 'pl' | 'en';

const FORMATTERS = new Map<string, Intl.NumberFormat>();

/**
 * The one way an amount is written for a payer, per locale: pl `19,99 zł`, en `PLN 19.99` (Intl's own
 * conventions for pl-PL and en-GB). Every page a payer sees — the widget's form and results, the 3-D Secure page,
 * the demo, the paywall — writes amounts through this, so one payment never shows two spellings.
 */
export function formatMoney(amount: number, currency: string, locale: MoneyLocale): string {
  const key = `${locale}:${currency}`;
  let f = FORMATTERS.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale === 'pl' ? 'pl-PL' : 'en-GB', { style: 'currency', currency });
    } catch {
      // Not a currency Intl knows (only our own CURRENCIES reach here, all ISO 4217): plain digits and the code.
      return `${(amount / 100).toFixed(2)} ${currency}`;
    }
    FORMATTERS.set(key, f);
  }
  return f.format(amount / 100);
}
