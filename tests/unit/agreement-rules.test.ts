import { describe, expect, it } from 'vitest';
import {
  addMonths,
  agreementFromFields,
  agreementInputOf,
  checkDebit,
  describeAgreement,
  frequencyDays,
  nextAllowedAfter,
  nextAllowedAt,
  parseDay,
  recurringExpiry,
  validateAgreement,
  type AgreementTerms,
} from '../../src/domain/agreement.js';
import { formatMoney } from '../../src/domain/money.js';

const utc = (y: number, m: number, d: number, h = 0, min = 0, s = 0, ms = 0) =>
  Date.UTC(y, m - 1, d, h, min, s, ms);

function terms(over: Partial<AgreementTerms> = {}): AgreementTerms {
  return {
    amount: 4900,
    maxAmount: null,
    currency: 'PLN',
    interval: { unit: 'month', count: 1 },
    minDays: null,
    startAt: null,
    expiresAt: null,
    maxCycles: null,
    ...over,
  };
}

describe('agreement rules (domain/agreement.ts)', () => {
  it('calendar dates: real ones only', () => {
    expect(parseDay('2026-02-28')).toBe(utc(2026, 2, 28));
    expect(parseDay('2028-02-29')).toBe(utc(2028, 2, 29));
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', '2026-01-01T00:00:00Z', ''])
      expect(parseDay(bad)).toBeNull();
  });

  it('months clamp to the end of a shorter month; years from 29 February to 28 February', () => {
    expect(addMonths(utc(2026, 1, 31), 1)).toBe(utc(2026, 2, 28));
    expect(addMonths(utc(2028, 1, 31), 1)).toBe(utc(2028, 2, 29));
    expect(addMonths(utc(2026, 3, 31), 1)).toBe(utc(2026, 4, 30));
    expect(addMonths(utc(2026, 12, 15), 1)).toBe(utc(2027, 1, 15));
    expect(addMonths(utc(2028, 2, 29), 12)).toBe(utc(2029, 2, 28));
  });

  it('the next debit is allowed from 00:00 UTC of the day the interval reaches, whatever the hour of the last', () => {
    const last = utc(2026, 1, 31, 23, 59, 59);
    expect(nextAllowedAfter(terms(), last)).toBe(utc(2026, 2, 28));
    expect(nextAllowedAfter(terms({ interval: { unit: 'day', count: 3 } }), last)).toBe(utc(2026, 2, 3));
    expect(nextAllowedAfter(terms({ interval: { unit: 'week', count: 2 } }), last)).toBe(utc(2026, 2, 14));
    expect(nextAllowedAfter(terms({ interval: { unit: 'year', count: 1 } }), last)).toBe(utc(2027, 1, 31));
    expect(nextAllowedAfter(terms({ interval: null, minDays: 30 }), last)).toBe(utc(2026, 3, 2));
  });

  it('checkDebit: each rule, and acceptance exactly at each boundary', () => {
    const t = terms({ startAt: utc(2026, 2, 1), expiresAt: utc(2026, 6, 30), maxCycles: 3 });
    const ok = { amount: 4900, currency: 'PLN', at: utc(2026, 2, 1) };
    const none = { cycles: 0, lastDebitAt: null };
    expect(checkDebit(t, none, ok)).toBeNull();
    expect(checkDebit(t, none, { ...ok, amount: 4899 })?.key).toBe('agreementAmountMismatch');
    expect(checkDebit(t, none, { ...ok, currency: 'EUR' })?.key).toBe('agreementCurrencyMismatch');
    expect(checkDebit(t, none, { ...ok, at: utc(2026, 2, 1) - 1 })?.key).toBe('agreementNotStarted');
    expect(checkDebit(t, none, { ...ok, at: utc(2026, 6, 30, 23, 59, 59, 999) })).toBeNull();
    expect(checkDebit(t, none, { ...ok, at: utc(2026, 7, 1) })?.key).toBe('agreementExpired');
    const one = { cycles: 1, lastDebitAt: utc(2026, 2, 1, 9) };
    expect(checkDebit(t, one, { ...ok, at: utc(2026, 3, 1) - 1 })?.key).toBe('agreementTooEarly');
    expect(checkDebit(t, one, { ...ok, at: utc(2026, 3, 1) })).toBeNull();
    expect(
      checkDebit(t, { cycles: 2, lastDebitAt: utc(2026, 3, 1) }, { ...ok, at: utc(2026, 4, 1) }),
    ).toBeNull();
    expect(
      checkDebit(t, { cycles: 3, lastDebitAt: utc(2026, 4, 1) }, { ...ok, at: utc(2026, 5, 1) })?.key,
    ).toBe('agreementCyclesExhausted');
    const variable = terms({ amount: null, maxAmount: 10_000 });
    expect(checkDebit(variable, none, { ...ok, amount: 10_000 })).toBeNull();
    expect(checkDebit(variable, none, { ...ok, amount: 1 })).toBeNull();
    expect(checkDebit(variable, none, { ...ok, amount: 10_001 })?.key).toBe('agreementAmountMismatch');
  });

  it('nextAllowedAt: the start, the interval, or none once cycles or the expiry run out', () => {
    const t = terms({ startAt: utc(2026, 3, 1), expiresAt: utc(2026, 4, 15), maxCycles: 2 });
    const since = utc(2026, 2, 10, 12);
    expect(nextAllowedAt(t, { cycles: 0, lastDebitAt: null }, since)).toBe(utc(2026, 3, 1));
    expect(nextAllowedAt(t, { cycles: 1, lastDebitAt: utc(2026, 3, 10) }, since)).toBe(utc(2026, 4, 10));
    expect(nextAllowedAt(t, { cycles: 1, lastDebitAt: utc(2026, 3, 20) }, since)).toBeNull();
    expect(nextAllowedAt(t, { cycles: 2, lastDebitAt: utc(2026, 3, 1) }, since)).toBeNull();
    // No start and no debit yet: allowed since the agreement became binding.
    expect(nextAllowedAt(terms(), { cycles: 0, lastDebitAt: null }, since)).toBe(since);
  });

  it('validation: exactly one amount kind and one interval kind, real dates, not expired', () => {
    const now = utc(2026, 1, 31, 10);
    const v = (input: Parameters<typeof validateAgreement>[0]) => validateAgreement(input, now);
    expect(v({ amount: 4900, currency: 'PLN', interval: { unit: 'month' } })).toMatchObject({
      ok: true,
      terms: { interval: { unit: 'month', count: 1 } },
    });
    const problems = (input: Parameters<typeof validateAgreement>[0]) => {
      const r = v(input);
      return r.ok ? [] : r.errors.map((e) => e.property);
    };
    expect(problems({ currency: 'PLN', minDays: 1 })).toEqual(['agreement.amount']);
    expect(problems({ amount: 1, maxAmount: 1, currency: 'PLN', minDays: 1 })).toEqual(['agreement.amount']);
    expect(problems({ amount: 1, currency: 'PLN' })).toEqual(['agreement.interval']);
    expect(problems({ amount: 1, currency: 'PLN', minDays: 1, interval: { unit: 'day' } })).toEqual([
      'agreement.interval',
    ]);
    expect(problems({ amount: 1, currency: 'ZZZ', minDays: 1 })).toEqual(['agreement.currency']);
    expect(problems({ amount: 0, currency: 'PLN', minDays: 1 })).toEqual(['agreement.amount']);
    expect(problems({ amount: 1, currency: 'PLN', interval: { unit: 'year', count: 28 } })).toEqual([
      'agreement.interval.count',
    ]);
    expect(problems({ amount: 1, currency: 'PLN', minDays: 1, expiresAt: '2026-01-30' })).toEqual([
      'agreement.expiresAt',
    ]);
    // Expiring today is still valid: the whole day is allowed.
    expect(problems({ amount: 1, currency: 'PLN', minDays: 1, expiresAt: '2026-01-31' })).toEqual([]);
    expect(problems({ amount: 1, currency: 'PLN', minDays: 1, maxCycles: 0 })).toEqual([
      'agreement.maxCycles',
    ]);
  });

  it('EMV 3-D Secure data: the minimum days between debits by the same calendar rule, and the expiry as YYYYMMDD', () => {
    expect(frequencyDays(terms())).toBe(28);
    expect(frequencyDays(terms({ interval: { unit: 'month', count: 2 } }))).toBe(59);
    expect(frequencyDays(terms({ interval: { unit: 'month', count: 3 } }))).toBe(89);
    expect(frequencyDays(terms({ interval: { unit: 'year', count: 1 } }))).toBe(365);
    expect(frequencyDays(terms({ interval: { unit: 'week', count: 2 } }))).toBe(14);
    expect(frequencyDays(terms({ interval: null, minDays: 45 }))).toBe(45);
    expect(recurringExpiry(terms({ expiresAt: utc(2027, 12, 1) }))).toBe('20271201');
    expect(recurringExpiry(terms())).toBeNull();
  });

  it('the payer reads one sentence, amounts through formatMoney', () => {
    const pln = (n: number, l: 'en' | 'pl') => formatMoney(n, 'PLN', l);
    expect(describeAgreement(terms({ expiresAt: utc(2027, 12, 1) }), 'en')).toBe(
      `${pln(4900, 'en')} every month until 2027-12-01`,
    );
    expect(
      describeAgreement(
        terms({ amount: null, maxAmount: 10_000, interval: { unit: 'month', count: 3 }, maxCycles: 4 }),
        'en',
      ),
    ).toBe(`up to ${pln(10_000, 'en')} every 3 months, at most 4 times`);
    expect(describeAgreement(terms({ interval: null, minDays: 30, startAt: utc(2026, 3, 1) }), 'en')).toBe(
      `${pln(4900, 'en')} at most once every 30 days from 2026-03-01`,
    );
    expect(describeAgreement(terms({ expiresAt: utc(2027, 12, 1) }), 'pl')).toBe(
      `${pln(4900, 'pl')} co miesiąc do 2027-12-01`,
    );
  });

  it('the widget/paywall fields map onto the same declaration, and terms map back', () => {
    const input = agreementFromFields(
      {
        agreementMaxAmount: '10000',
        agreementIntervalUnit: 'week',
        agreementIntervalCount: '2',
        agreementMaxCycles: 'x',
      },
      'EUR',
    );
    expect(input).toMatchObject({ maxAmount: 10_000, currency: 'EUR', interval: { unit: 'week', count: 2 } });
    expect(Number.isNaN(input.maxCycles)).toBe(true);
    const checked = validateAgreement({ ...input, maxCycles: 5 }, 0);
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    expect(validateAgreement(agreementInputOf(checked.terms), 0)).toEqual(checked);
  });
});
