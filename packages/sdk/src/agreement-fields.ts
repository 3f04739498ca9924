import type { Currency } from './types/enums.js';

/**
 * Kartoteka's recurring agreement as signed form fields (extension; the widget's and the paywall's recurring
 * registration only), signed like the rest: `agreementAmount` or `agreementMaxAmount` (minor units),
 * `agreementIntervalUnit` (+ `agreementIntervalCount`, default 1) or `agreementMinDays`, optional
 * `agreementCurrency` (default `currency`), `agreementStartAt`, `agreementExpiresAt` (`YYYY-MM-DD`),
 * `agreementMaxCycles`.
 */
export interface SignedAgreementFields {
  agreementAmount?: number | string;
  agreementMaxAmount?: number | string;
  agreementCurrency?: Currency;
  agreementIntervalUnit?: 'day' | 'week' | 'month' | 'year';
  agreementIntervalCount?: number | string;
  agreementMinDays?: number | string;
  agreementStartAt?: string;
  agreementExpiresAt?: string;
  agreementMaxCycles?: number | string;
}
