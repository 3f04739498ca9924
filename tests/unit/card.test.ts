import { describe, expect, it } from 'vitest';
import { cardBrand, isExpired, luhnValid, maskPan, validateCardFields } from '../../src/domain/card.js';
import { TEST_CARDS } from '../../src/acquirer/sandbox/codes.js';

describe('card rules', () => {
  it('Luhn accepts every sandbox test card and rejects a changed digit', () => {
    for (const pan of Object.keys(TEST_CARDS)) {
      expect(luhnValid(pan), pan).toBe(true);
      const changed = pan.slice(0, -1) + String((Number(pan.at(-1)) + 1) % 10);
      expect(luhnValid(changed), changed).toBe(false);
    }
  });

  it('brands', () => {
    expect(cardBrand('4111111111111111')).toBe('VISA');
    expect(cardBrand('5555555555554444')).toBe('MASTERCARD');
    expect(cardBrand('2221000000000009')).toBe('MASTERCARD');
    expect(cardBrand('378282246310005')).toBe('AMEX');
    expect(cardBrand('6011111111111117')).toBe('DISCOVER');
    expect(cardBrand('3530111333300000')).toBe('JCB');
    expect(cardBrand('6759649826438453')).toBe('MAESTRO');
    expect(cardBrand('9999999999999995')).toBe('UNKNOWN');
  });

  it('masks to **** and the last four digits', () => {
    expect(maskPan('4111111111111111')).toBe('****1111');
  });

  it('a card is valid through the end of its expiry month', () => {
    const now = new Date(Date.UTC(2026, 10, 24));
    expect(isExpired({ month: '11', year: '2026' }, now)).toBe(false);
    expect(isExpired({ month: '10', year: '2026' }, now)).toBe(true);
    expect(isExpired({ month: '01', year: '2027' }, now)).toBe(false);
    expect(isExpired({ month: '12', year: '2025' }, now)).toBe(true);
  });

  it('reports every problem at once and never echoes the number', () => {
    const errors = validateCardFields(
      { number: '4111111111111112', month: '13', year: '20', cvv: '1' },
      new Date(),
      {
        cvvRequired: true,
      },
    );
    expect(errors.map((e) => e.property).sort()).toEqual([
      'card.cvv',
      'card.month',
      'card.number',
      'card.year',
    ]);
    expect(JSON.stringify(errors)).not.toContain('4111111111111112');
    expect(
      validateCardFields({ number: '4111111111111111', month: '12', year: '2099' }, new Date(), {
        cvvRequired: false,
      }),
    ).toEqual([]);
  });
});
