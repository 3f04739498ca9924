import type { FieldError } from './domain-error.js';

export type CardBrand =
  'VISA' | 'MASTERCARD' | 'MAESTRO' | 'AMEX' | 'DINERS' | 'DISCOVER' | 'JCB' | 'UNKNOWN';

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function cardBrand(pan: string): CardBrand {
  const two = Number(pan.slice(0, 2));
  const four = Number(pan.slice(0, 4));
  const six = Number(pan.slice(0, 6));
  if (pan.startsWith('4')) return 'VISA';
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'MASTERCARD';
  if (two === 34 || two === 37) return 'AMEX';
  if (two === 36 || two === 38 || two === 39 || (six >= 300000 && six <= 305999)) return 'DINERS';
  if (pan.startsWith('6011') || pan.startsWith('65') || (six >= 644000 && six <= 649999)) return 'DISCOVER';
  if (four >= 3528 && four <= 3589) return 'JCB';
  if (two === 50 || (two >= 56 && two <= 69)) return 'MAESTRO';
  return 'UNKNOWN';
}

/** imoje's masked form: `****` followed by the last four digits. */
export function maskPan(pan: string): string {
  return `****${pan.slice(-4)}`;
}

export function last4(pan: string): string {
  return pan.slice(-4);
}

export interface CardExpiry {
  month: string; // "MM"
  year: string; // "YYYY"
}

/** A card is valid through the last day of its expiry month. */
export function isExpired(expiry: CardExpiry, now: Date): boolean {
  const year = Number(expiry.year);
  const month = Number(expiry.month);
  const nowYear = now.getUTCFullYear();
  const nowMonth = now.getUTCMonth() + 1;
  return year < nowYear || (year === nowYear && month < nowMonth);
}

export interface CardFieldsInput {
  number: string;
  month: string;
  year: string;
  cvv?: string | null | undefined;
}

/**
 * The card checks imoje performs before anything is charged. Returns every problem found (so a client can fix
 * them at once) rather than stopping at the first one. Messages never include the card number.
 */
export function validateCardFields(
  card: CardFieldsInput,
  now: Date,
  opts: { cvvRequired: boolean },
): FieldError[] {
  const errors: FieldError[] = [];
  const { number, month, year, cvv } = card;
  if (!/^[0-9]{12,19}$/.test(number)) {
    errors.push({ property: 'card.number', message: 'Card number must be 12 to 19 digits.' });
  } else if (!luhnValid(number)) {
    errors.push({ property: 'card.number', message: 'Card number fails the Luhn check.' });
  }
  const monthOk = /^(0[1-9]|1[0-2])$/.test(month);
  const yearOk = /^[0-9]{4}$/.test(year);
  if (!monthOk) errors.push({ property: 'card.month', message: 'Month must be two digits, 01 to 12.' });
  if (!yearOk) errors.push({ property: 'card.year', message: 'Year must be four digits (YYYY).' });
  if (monthOk && yearOk && isExpired({ month, year }, now)) {
    errors.push({ property: 'card.year', message: 'Card has expired.' });
  }
  if (cvv === undefined || cvv === null || cvv === '') {
    if (opts.cvvRequired) errors.push({ property: 'card.cvv', message: 'CVV is required.' });
  } else if (!/^[0-9]{3,4}$/.test(cvv)) {
    errors.push({ property: 'card.cvv', message: 'CVV must be 3 or 4 digits.' });
  }
  return errors;
}
