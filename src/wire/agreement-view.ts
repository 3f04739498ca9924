import { describeAgreement, formatDay, frequencyDays, type AgreementTerms } from '../domain/agreement.js';

/**
 * A recurring agreement on the wire (Kartoteka's extension): on the answer to a registration that declared one,
 * and at `GET /kartoteka/v1/merchant/{merchantId}/profiles/{id}/agreement`. Dates as declared (`YYYY-MM-DD`),
 * instants as ISO 8601.
 */
export interface AgreementView {
  /** Absent on a payment link: its agreement is made when its payer registers the card. */
  id?: string;
  /** `pending` until the registration is paid, then `active`; `void` when the registration failed. */
  status: 'pending' | 'active' | 'void';
  amount?: number;
  maxAmount?: number;
  currency: string;
  interval?: { unit: string; count: number };
  minDays?: number;
  startAt?: string;
  expiresAt?: string;
  maxCycles?: number;
  /** The minimum days between debits, as sent to 3-D Secure (`recurringFrequency`). */
  frequencyDays: number;
  /** What the payer was shown, in English. */
  description: string;
  usage?: { cycles: number; lastDebitAt: string | null; nextDebitAt: string | null };
}

export function agreementView(
  a: { id: string | null; terms: AgreementTerms },
  status: AgreementView['status'],
  usage?: { cycles: number; lastDebitAt: number | null; nextDebitAt: number | null },
): AgreementView {
  const t = a.terms;
  const view: AgreementView = {
    ...(a.id === null ? {} : { id: a.id }),
    status,
    currency: t.currency,
    frequencyDays: frequencyDays(t),
    description: '',
  };
  if (t.amount !== null) view.amount = t.amount;
  if (t.maxAmount !== null) view.maxAmount = t.maxAmount;
  if (t.interval) view.interval = { ...t.interval };
  if (t.minDays !== null) view.minDays = t.minDays;
  if (t.startAt !== null) view.startAt = formatDay(t.startAt);
  if (t.expiresAt !== null) view.expiresAt = formatDay(t.expiresAt);
  if (t.maxCycles !== null) view.maxCycles = t.maxCycles;
  view.description = describeAgreement(t, 'en');
  if (usage) {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    view.usage = {
      cycles: usage.cycles,
      lastDebitAt: iso(usage.lastDebitAt),
      nextDebitAt: iso(usage.nextDebitAt),
    };
  }
  return view;
}

/** The agreement's status as the registration's outcome makes it. */
export function agreementStatusOf(transactionStatus: string): AgreementView['status'] {
  if (transactionStatus === 'settled' || transactionStatus === 'authorized') return 'active';
  if (
    transactionStatus === 'rejected' ||
    transactionStatus === 'error' ||
    transactionStatus === 'cancelled'
  ) {
    return 'void';
  }
  return 'pending';
}
