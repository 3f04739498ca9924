import type { Currency } from './enums.js';

/**
 * Kartoteka's extension (not imoje): the recurring agreement a `recurring` registration (or `FIRST`) declares
 * in `agreement`. Exactly one of `amount`/`maxAmount` and one of `interval`/`minDays`. Every later
 * merchant-initiated debit is checked against it before the card is charged (docs/recurring.md).
 */
export interface AgreementDeclaration {
  /** Fixed amount of every debit, minor units. */
  amount?: number | null;
  /** Largest amount of a debit, minor units. */
  maxAmount?: number | null;
  currency: Currency;
  interval?: { unit: AgreementUnit; count?: number | null } | null;
  /** Minimum whole days between two debits. */
  minDays?: number | null;
  /** `YYYY-MM-DD` (UTC): first day debits are allowed. */
  startAt?: string | null;
  /** `YYYY-MM-DD` (UTC): last day debits are allowed. */
  expiresAt?: string | null;
  maxCycles?: number | null;
}

export type AgreementUnit = 'day' | 'week' | 'month' | 'year';

/** An agreement as the gateway answers it. */
export interface Agreement {
  /** Absent on a payment link: its agreement is made when its payer registers the card. */
  id?: string;
  /** `pending` until the registration is paid, then `active`; `void` when the registration failed. */
  status: 'pending' | 'active' | 'void';
  amount?: number;
  maxAmount?: number;
  currency: Currency;
  interval?: { unit: AgreementUnit; count: number };
  minDays?: number;
  startAt?: string;
  expiresAt?: string;
  maxCycles?: number;
  /** Minimum days between debits, as sent to 3-D Secure (`recurringFrequency`). */
  frequencyDays: number;
  /** What the payer was shown, e.g. "PLN 49.00 every month until 2027-12-01". */
  description: string;
  /** On `agreements.getForProfile` only: what was debited under it. */
  usage?: {
    /** Debits that count (settled, held, or still in flight). */
    cycles: number;
    /** ISO 8601. */
    lastDebitAt: string | null;
    /** ISO 8601: the earliest next debit; null when no more are allowed. */
    nextDebitAt: string | null;
  };
}

export interface AgreementResponse {
  agreement: Agreement;
}
