import type { FieldError } from './domain-error.js';
import type { ErrorKey } from './error-catalog.js';
import { CURRENCIES, formatMoney, MAX_AMOUNT, MIN_AMOUNT, type Currency, type MoneyLocale } from './money.js';

/**
 * The recurring agreement a shop declares when it registers a recurring card (issue 15 §1): what every later
 * merchant-initiated debit under it must keep to. Pure rules only: validation, the next allowed debit, the
 * check of one debit. Times are Unix milliseconds, calendar arithmetic is in UTC.
 */
export const AGREEMENT_UNITS = ['day', 'week', 'month', 'year'] as const;
export type AgreementUnit = (typeof AGREEMENT_UNITS)[number];

const DAY_MS = 86_400_000;
/** EMV 3-D Secure's `recurringFrequency` has four digits. */
export const MAX_FREQUENCY_DAYS = 9999;
export const MAX_CYCLES = 9999;

/** The terms as stored and enforced. Exactly one of amount/maxAmount and one of interval/minDays is set. */
export interface AgreementTerms {
  /** Fixed amount every debit must have (minor units). */
  amount: number | null;
  /** Largest amount a debit may have (minor units). */
  maxAmount: number | null;
  currency: Currency;
  interval: { unit: AgreementUnit; count: number } | null;
  /** Minimum number of whole days between two debits. */
  minDays: number | null;
  /** 00:00 UTC of the first day debits are allowed. */
  startAt: number | null;
  /** 00:00 UTC of the last day debits are allowed (the whole day is allowed). */
  expiresAt: number | null;
  maxCycles: number | null;
}

/** The declaration as a client sends it (API JSON, or the widget's / paywall's fields once parsed). */
export interface AgreementInput {
  amount?: number | null | undefined;
  maxAmount?: number | null | undefined;
  currency?: string | null | undefined;
  interval?: { unit?: string | null | undefined; count?: number | null | undefined } | null | undefined;
  minDays?: number | null | undefined;
  startAt?: string | null | undefined;
  expiresAt?: string | null | undefined;
  maxCycles?: number | null | undefined;
}

/** What the debits under an agreement came to so far: counted debits and the time of the latest one. */
export interface AgreementUsage {
  cycles: number;
  lastDebitAt: number | null;
}

const given = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

/** `YYYY-MM-DD` → 00:00 UTC of that day, or null when it is not a real calendar date. */
export function parseDay(value: string): number | null {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms;
}

/** 00:00 UTC → `YYYY-MM-DD`. */
export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * Adds calendar months to a day; a day the target month doesn't have becomes its last day
 * (31 January + 1 month = 28 or 29 February; 29 February + 1 year = 28 February).
 */
export function addMonths(dayMs: number, months: number): number {
  const d = new Date(dayMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay));
}

function within(v: number, min: number, max: number): boolean {
  return Number.isInteger(v) && v >= min && v <= max;
}

/**
 * Checks a declaration and turns it into terms. `now` refuses an agreement that has already expired. The
 * problems carry `agreement.<field>` properties, as the API's validation errors do.
 */
export function validateAgreement(
  input: AgreementInput,
  now: number,
  prefix = 'agreement',
): { ok: true; terms: AgreementTerms } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const bad = (field: string, message: string) => errors.push({ property: `${prefix}.${field}`, message });

  const hasAmount = given(input.amount);
  const hasMax = given(input.maxAmount);
  if (hasAmount === hasMax) bad('amount', 'Give exactly one of amount (fixed) and maxAmount (variable).');
  if (hasAmount && !within(input.amount!, MIN_AMOUNT, MAX_AMOUNT)) {
    bad('amount', `Must be a whole number of minor units, ${MIN_AMOUNT}–${MAX_AMOUNT}.`);
  }
  if (hasMax && !within(input.maxAmount!, MIN_AMOUNT, MAX_AMOUNT)) {
    bad('maxAmount', `Must be a whole number of minor units, ${MIN_AMOUNT}–${MAX_AMOUNT}.`);
  }
  const currency = input.currency ?? '';
  if (!(CURRENCIES as readonly string[]).includes(currency)) {
    bad('currency', `Must be one of ${CURRENCIES.join(', ')}.`);
  }

  const hasInterval = given(input.interval);
  const hasMinDays = given(input.minDays);
  if (hasInterval === hasMinDays) bad('interval', 'Give exactly one of interval and minDays.');
  let interval: AgreementTerms['interval'] = null;
  if (hasInterval) {
    const unit = input.interval!.unit ?? '';
    const count = input.interval!.count ?? 1;
    if (!(AGREEMENT_UNITS as readonly string[]).includes(unit)) {
      bad('interval.unit', `Must be one of ${AGREEMENT_UNITS.join(', ')}.`);
    } else if (!within(count, 1, MAX_FREQUENCY_DAYS)) {
      bad('interval.count', 'Must be a whole number, at least 1.');
    } else {
      interval = { unit: unit as AgreementUnit, count };
      if (frequencyDays({ interval, minDays: null }) > MAX_FREQUENCY_DAYS) {
        bad('interval.count', `The interval must be at most ${MAX_FREQUENCY_DAYS} days.`);
      }
    }
  }
  if (hasMinDays && !within(input.minDays!, 1, MAX_FREQUENCY_DAYS)) {
    bad('minDays', `Must be a whole number of days, 1–${MAX_FREQUENCY_DAYS}.`);
  }

  const day = (field: 'startAt' | 'expiresAt'): number | null => {
    const value = input[field];
    if (!given(value)) return null;
    const ms = parseDay(value);
    if (ms === null) bad(field, 'Must be a calendar date, YYYY-MM-DD.');
    return ms;
  };
  const startAt = day('startAt');
  const expiresAt = day('expiresAt');
  if (startAt !== null && expiresAt !== null && expiresAt < startAt) {
    bad('expiresAt', 'Must not be before startAt.');
  }
  if (expiresAt !== null && expiresAt < startOfDay(now)) bad('expiresAt', 'Must not be in the past.');
  if (given(input.maxCycles) && !within(input.maxCycles, 1, MAX_CYCLES)) {
    bad('maxCycles', `Must be a whole number, 1–${MAX_CYCLES}.`);
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    terms: {
      amount: hasAmount ? input.amount! : null,
      maxAmount: hasMax ? input.maxAmount! : null,
      currency: currency as Currency,
      interval,
      minDays: hasMinDays ? input.minDays! : null,
      startAt,
      expiresAt,
      maxCycles: given(input.maxCycles) ? input.maxCycles : null,
    },
  };
}

/** The first instant a debit is allowed after one at `lastDebitAt` (start of a UTC day). */
export function nextAllowedAfter(
  terms: Pick<AgreementTerms, 'interval' | 'minDays'>,
  lastDebitAt: number,
): number {
  const day = startOfDay(lastDebitAt);
  if (terms.minDays !== null) return day + terms.minDays * DAY_MS;
  const { unit, count } = terms.interval!;
  if (unit === 'day') return day + count * DAY_MS;
  if (unit === 'week') return day + 7 * count * DAY_MS;
  return addMonths(day, unit === 'month' ? count : 12 * count);
}

/**
 * When the next debit may come: the interval after the latest, not before the start, not before `since` (when
 * the agreement became binding). Null when no more debits are allowed (cycles used up, or past the expiry).
 */
export function nextAllowedAt(terms: AgreementTerms, usage: AgreementUsage, since: number): number | null {
  if (terms.maxCycles !== null && usage.cycles >= terms.maxCycles) return null;
  const byInterval = usage.lastDebitAt === null ? since : nextAllowedAfter(terms, usage.lastDebitAt);
  const at = Math.max(byInterval, terms.startAt ?? byInterval);
  if (terms.expiresAt !== null && at >= terms.expiresAt + DAY_MS) return null;
  return at;
}

const FREQUENCY = new Map<string, number>();

/**
 * EMV 3-D Secure's `recurringFrequency`: the minimum number of days between two debits the agreement allows.
 * Calendar months are measured by the same rule the check applies (`addMonths`), over every day of a
 * four-year cycle, so "1 month" is 28 and "1 year" 365.
 */
export function frequencyDays(terms: Pick<AgreementTerms, 'interval' | 'minDays'>): number {
  if (terms.minDays !== null) return terms.minDays;
  const { unit, count } = terms.interval!;
  if (unit === 'day') return count;
  if (unit === 'week') return 7 * count;
  const months = unit === 'month' ? count : 12 * count;
  const key = String(months);
  const known = FREQUENCY.get(key);
  if (known !== undefined) return known;
  let min = Infinity;
  const from = Date.UTC(2024, 0, 1);
  for (let day = from; day < Date.UTC(2028, 0, 1); day += DAY_MS) {
    min = Math.min(min, (addMonths(day, months) - day) / DAY_MS);
  }
  FREQUENCY.set(key, min);
  return min;
}

/** EMV 3-D Secure's `recurringExpiry` (`YYYYMMDD`), when the agreement has one. */
export function recurringExpiry(terms: AgreementTerms): string | null {
  return terms.expiresAt === null ? null : formatDay(terms.expiresAt).replaceAll('-', '');
}

export interface DebitRefusal {
  key: ErrorKey;
  property: string;
  message: string;
}

/**
 * Whether a merchant-initiated debit of `amount` `currency` at `at` may go to the acquirer under the terms,
 * given the debits counted so far. The first rule broken is the answer; null means allowed.
 */
export function checkDebit(
  terms: AgreementTerms,
  usage: AgreementUsage,
  debit: { amount: number; currency: string; at: number },
): DebitRefusal | null {
  if (debit.currency !== terms.currency) {
    return {
      key: 'agreementCurrencyMismatch',
      property: 'currency',
      message: `The agreement is in ${terms.currency}.`,
    };
  }
  if (terms.amount !== null && debit.amount !== terms.amount) {
    return {
      key: 'agreementAmountMismatch',
      property: 'amount',
      message: `The agreement fixes the amount at ${terms.amount}.`,
    };
  }
  if (terms.maxAmount !== null && debit.amount > terms.maxAmount) {
    return {
      key: 'agreementAmountMismatch',
      property: 'amount',
      message: `The agreement allows at most ${terms.maxAmount}.`,
    };
  }
  if (terms.startAt !== null && debit.at < terms.startAt) {
    return {
      key: 'agreementNotStarted',
      property: 'paymentProfileId',
      message: `Debits under the agreement start on ${formatDay(terms.startAt)}.`,
    };
  }
  if (terms.expiresAt !== null && debit.at >= terms.expiresAt + DAY_MS) {
    return {
      key: 'agreementExpired',
      property: 'paymentProfileId',
      message: `The agreement expired after ${formatDay(terms.expiresAt)}.`,
    };
  }
  if (terms.maxCycles !== null && usage.cycles >= terms.maxCycles) {
    return {
      key: 'agreementCyclesExhausted',
      property: 'paymentProfileId',
      message: `All ${terms.maxCycles} debits of the agreement were made.`,
    };
  }
  if (usage.lastDebitAt !== null) {
    const next = nextAllowedAfter(terms, usage.lastDebitAt);
    if (debit.at < next) {
      return {
        key: 'agreementTooEarly',
        property: 'paymentProfileId',
        message: `The next debit is allowed from ${new Date(next).toISOString()}.`,
      };
    }
  }
  return null;
}

const UNIT_WORDS: Record<MoneyLocale, Record<AgreementUnit, [string, string]>> = {
  en: { day: ['day', 'days'], week: ['week', 'weeks'], month: ['month', 'months'], year: ['year', 'years'] },
  pl: {
    day: ['dzień', 'dni'],
    week: ['tydzień', 'tygodnie'],
    month: ['miesiąc', 'miesiące'],
    year: ['rok', 'lata'],
  },
};

/**
 * One sentence for the payer: "PLN 49.00 every month until 2027-12-01", "up to PLN 100.00 every 3 months,
 * at most 12 times". Amounts through formatMoney, like every page.
 */
export function describeAgreement(terms: AgreementTerms, locale: MoneyLocale): string {
  const en = locale === 'en';
  const money = formatMoney(terms.amount ?? terms.maxAmount!, terms.currency, locale);
  const amount = terms.amount !== null ? money : en ? `up to ${money}` : `do ${money}`;
  let every: string;
  if (terms.interval) {
    const [one, many] = UNIT_WORDS[locale][terms.interval.unit];
    const n = terms.interval.count;
    every = n === 1 ? `${en ? 'every' : 'co'} ${one}` : `${en ? 'every' : 'co'} ${n} ${many}`;
  } else {
    every = en ? `at most once every ${terms.minDays} days` : `nie częściej niż co ${terms.minDays} dni`;
  }
  const parts = [`${amount} ${every}`];
  if (terms.startAt !== null)
    parts.push(en ? `from ${formatDay(terms.startAt)}` : `od ${formatDay(terms.startAt)}`);
  if (terms.expiresAt !== null) {
    parts.push(en ? `until ${formatDay(terms.expiresAt)}` : `do ${formatDay(terms.expiresAt)}`);
  }
  let sentence = parts.join(' ');
  if (terms.maxCycles !== null) {
    sentence += en ? `, at most ${terms.maxCycles} times` : `, najwyżej ${terms.maxCycles} razy`;
  }
  return sentence;
}

/**
 * The widget's and the paywall's flat fields for the agreement (`data-agreement-amount` → `agreementAmount`),
 * all signed when present.
 */
export const AGREEMENT_FIELDS = [
  'agreementAmount',
  'agreementMaxAmount',
  'agreementCurrency',
  'agreementIntervalUnit',
  'agreementIntervalCount',
  'agreementMinDays',
  'agreementStartAt',
  'agreementExpiresAt',
  'agreementMaxCycles',
] as const;
export type AgreementField = (typeof AGREEMENT_FIELDS)[number];

/** Whether any agreement field is present (non-empty). */
export function declaresAgreement(fields: Readonly<Record<string, string | undefined>>): boolean {
  return AGREEMENT_FIELDS.some((f) => fields[f] !== undefined && fields[f] !== '');
}

/**
 * The flat fields as an `AgreementInput`. A number field that isn't digits becomes NaN, which validation
 * reports. `agreementCurrency` defaults to the payment's currency.
 */
export function agreementFromFields(
  fields: Readonly<Record<string, string | undefined>>,
  paymentCurrency: string,
): AgreementInput {
  const text = (f: AgreementField): string | null => {
    const v = fields[f];
    return v === undefined || v === '' ? null : v;
  };
  const num = (f: AgreementField): number | null => {
    const v = text(f);
    if (v === null) return null;
    return /^[0-9]{1,10}$/.test(v) ? Number(v) : NaN;
  };
  const unit = text('agreementIntervalUnit');
  return {
    amount: num('agreementAmount'),
    maxAmount: num('agreementMaxAmount'),
    currency: text('agreementCurrency') ?? paymentCurrency,
    interval: unit === null ? null : { unit, count: num('agreementIntervalCount') ?? 1 },
    minDays: num('agreementMinDays'),
    startAt: text('agreementStartAt'),
    expiresAt: text('agreementExpiresAt'),
    maxCycles: num('agreementMaxCycles'),
  };
}

/** Terms back as the declaration they came from (the widget's parsed attributes → the registration's input). */
export function agreementInputOf(terms: AgreementTerms): AgreementInput {
  return {
    amount: terms.amount,
    maxAmount: terms.maxAmount,
    currency: terms.currency,
    interval: terms.interval ? { ...terms.interval } : null,
    minDays: terms.minDays,
    startAt: terms.startAt === null ? null : formatDay(terms.startAt),
    expiresAt: terms.expiresAt === null ? null : formatDay(terms.expiresAt),
    maxCycles: terms.maxCycles,
  };
}
