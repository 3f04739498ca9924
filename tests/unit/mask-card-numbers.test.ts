import { describe, expect, it } from 'vitest';
import {
  maskCardNumbers,
  maskCardNumbersInJson,
  maskJsonTokens,
  mayHoldCardNumber,
} from '../../src/domain/mask-card-numbers.js';

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

describe('the quick scan lets through only texts that surely hold no card number', () => {
  const fragments = [
    '{"time":1712345678901,',
    '"amount":1500,',
    '"orderId":"o-1234567890123",',
    '"id":"2f1c4a80-1234-4d2e-9a7b-446655440000",',
    '"pan":"4111 1111 1111 1111",',
    '"n":4111111111111111,',
    '"s":"4111\\n1111\\t1111\\r1111",',
    '"u":"4111%201111%202222%2d1111",',
    '"m":"6759 6498 2648",',
    '"d":"2026-12-01 09:00",',
    '"x":"12 34 56 78 90 12",',
    '"e":"\\u0034111111111111111",',
    '"k":"5555-5555-5555-4444",',
    '"ok":true}',
    '"firstTransactionId":"749705099642625",',
    '"firstTransactionId":"749705099642621",', // Luhn-valid: masked, as the full pass does
    '"ref":"123456789012345678901",',
    '"status":"settled",',
    '"created":1764612345,',
    '"ip":"127.0.0.1",',
    '"title":"Order 12 of 34",',
  ];
  const pick = (seed: number) => {
    let x = seed;
    const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
    const parts: string[] = [];
    for (let i = 0, n = 1 + (next() % 3); i < n; i++) parts.push(fragments[next() % fragments.length]!);
    return parts.join('');
  };

  it('never skips a text that the full pass would change (2 000 generated texts, with and without `time`)', () => {
    let skipped = 0;
    let masked = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const text = pick(seed);
      for (const keep of [[], ['time']]) {
        const full = maskJsonTokens(text, keep);
        if (full !== text) masked++;
        if (!mayHoldCardNumber(text, keep)) {
          skipped++;
          expect(full).toBe(text);
        }
        expect(maskCardNumbersInJson(text, keep)).toBe(full);
      }
    }
    // Both kinds occur, so the loop checked something.
    expect(skipped).toBeGreaterThan(100);
    expect(masked).toBeGreaterThan(100);
  });

  it('skips a usual log line and answer, and not one with a card number in any field', () => {
    const line =
      '{"level":30,"time":1764612345678,"pid":812,"service":"kartoteka","reqId":"6f0c2b1e-8d7a-4c55-b1c4-55a0d3e2f9a1","res":{"statusCode":200},"responseTime":1.2345678,"msg":"request completed"}';
    expect(mayHoldCardNumber(line, ['time'])).toBe(false);
    expect(mayHoldCardNumber(line)).toBe(true); // without `time` kept, its 13 digits are a candidate
    expect(mayHoldCardNumber(line.replace('request completed', 'card 4111 1111 1111 1111'), ['time'])).toBe(
      true,
    );
    expect(mayHoldCardNumber('{"time":"4111111111111111"}', ['time'])).toBe(true);
  });
});
