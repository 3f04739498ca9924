import { describe, expect, it } from 'vitest';
import { maskCardNumbers, maskCardNumbersInJson } from '../../src/domain/mask-card-numbers.js';

describe('card numbers in text are masked wherever they sit', () => {
  it.each([
    ['4111111111111111', '****1111'],
    ['4111 1111 1111 1111', '****1111'],
    ['4111-1111-1111-1111', '****1111'],
    ['4111  1111  1111  1111', '****1111'],
    ['/cid/4111%201111%201111%201111', '/cid/****1111'],
    ['Payment method "4111111111111111" is not supported', 'Payment method "****1111" is not supported'],
    ['ref 12 4111 1111 1111 1111', 'ref 12 ****1111'],
    ['4111111111111111 5555555555554444', '****1111 ****4444'],
    ['6759 6498 2648', '****2648'], // 12 digits: the shortest card numbers
  ])('%s → %s', (text, masked) => {
    expect(maskCardNumbers(text)).toBe(masked);
  });

  it.each(['o-1234567890123', '2026-12-01 09:00', '41111111111111110', '12345678901'])(
    'leaves %s alone (not a Luhn-valid 12–19-digit number)',
    (text) => {
      expect(maskCardNumbers(text)).toBe(text);
    },
  );

  it('keeps JSON valid: strings and keys re-encoded, a bare number becomes a string, `time` stays', () => {
    const line =
      '{"time":1712345678901,"n":4111111111111111,"s":"a\\ud800 4111111111111111","4111111111111111":1}';
    const masked = maskCardNumbersInJson(line, ['time']);
    expect(JSON.parse(masked)).toEqual({
      time: 1712345678901,
      n: '****1111',
      s: 'a\ud800 ****1111',
      '****1111': 1,
    });
    expect(maskCardNumbersInJson('{"a":"no digits"}')).toBe('{"a":"no digits"}');
  });
});
