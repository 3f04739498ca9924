import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/domain-error.js';
import { loggableUrl } from '../../src/domain/loggable-url.js';
import { screenCardData } from '../../src/http/card-data-intake.js';
import {
  cardNumberIn,
  maskCardNumbers,
  maskCardNumbersInJson,
  maskJsonTokens,
  maskWrittenCardNumbers,
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
    // Disguised: other separators, more of them, invisible ones, other forms of digits.
    ['4111.1111.1111.1111', '****1111'],
    ['4111_1111_1111_1111', '****1111'],
    ['4111/1111/1111/1111', '****1111'],
    ['4111,1111,1111,1111', '****1111'],
    ['4111#1111\\1111:1111', '****1111'],
    ['4111     1111     1111     1111', '****1111'],
    ['4111\u200b1111\u200b1111\u200b1111', '****1111'],
    ['/x/4111%2E1111%2E1111%2E1111', '/x/****1111'],
    ['card ４１１１ １１１１ １１１１ １１１１', 'card ****1111'],
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

describe('a card number written as one (cardNumberIn): what refuses an identifier', () => {
  it.each([
    '4111111111111111',
    'order-4111 1111 1111 1111',
    '4111.1111.1111.1111',
    '3782 822463 10005', // American Express, 4-6-5
    '5555-5555-5555-4444',
    '2221000000000009', // Mastercard 2-series
    '４１１１１１１１１１１１１１１１',
  ])('%s is one', (text) => {
    expect(cardNumberIn(text)).toBe(true);
  });

  it.each([
    '1764612345678', // a millisecond timestamp, Luhn-valid: no scheme starts with 1
    '2026-12-01/0005', // a date and a counter, Luhn-valid as digits: not a card's grouping
    '202612010005', // 12 digits
    '2026120100000005', // 16 digits from a year: no scheme starts with 20
    '4111111111111112', // fails the Luhn check
    '41 11 11 11 11 11 11 11', // pairs are not how card numbers are written
    // UUIDs whose digit groups, cut off by hex letters, line up like a card's (…-5944-4931-9903-60e8…): about 160
    // in a million random ones did, and an id of the gateway's own (a profile, a shop) was then refused.
    'b614b31a-5944-4931-9903-60e8af2d6f42',
    '532e5182-3940-4742-8e33-f6884072ba95',
    '70f5bac7-6243-4080-9809-3d3b9526f329',
    'order B614B31A-5944-4931-9903-60E8AF2D6F42 paid',
  ])('%s is not', (text) => {
    expect(cardNumberIn(text)).toBe(false);
  });

  it('no random UUID is one (100 000 of them), and a card number beside or around one still is', () => {
    for (let i = 0; i < 100_000; i++) {
      const id = randomUUID();
      if (cardNumberIn(id)) throw new Error(`${id} taken for a card number`);
    }
    const id = 'b614b31a-5944-4931-9903-60e8af2d6f42';
    expect(cardNumberIn(`${id} 4111 1111 1111 1111`)).toBe(true);
    expect(cardNumberIn(`4111 1111 1111 1111 ${id}`)).toBe(true);
    expect(cardNumberIn(`4111111111111111-${id}`)).toBe(true);
    // A UUID-shaped tail glued to a card's last group is not a UUID: the card keeps its digits.
    expect(cardNumberIn('4111 1111 1111 1111abcd1234-1234-4234-8234-123456789012')).toBe(true);
    expect(maskWrittenCardNumbers(`${id}/4111111111111111`)).toBe(`${id}/****1111`);
  });
});

describe('URLs as logs show them (loggableUrl)', () => {
  it('drops security codes from the query, however they are named, and masks card numbers', () => {
    expect(loggableUrl('/v1/x?cvv=918&a=1&card%5Bcvc%5D=917&card.cvv2=916&securityCode=915#f')).toBe(
      '/v1/x?cvv=[redacted]&a=1&card%5Bcvc%5D=[redacted]&card.cvv2=[redacted]&securityCode=[redacted]#f',
    );
    expect(loggableUrl('/v1/transaction/4111.1111.1111.1111?q=4111111111111111')).toBe(
      '/v1/transaction/****1111?q=****1111',
    );
    expect(loggableUrl('/v1/services?cvvx=1')).toBe('/v1/services?cvvx=1');
  });
});

describe('what the gateway keeps of a request (screenCardData)', () => {
  it('masks free text and keys, leaves the card field, masks numbers too long to check', () => {
    const screened = screenCardData(
      {
        title: 'for 4111 1111 1111 1111',
        card: { number: '4111111111111111', firstName: '5555555555554444' },
        additionalData: {
          n: 4111111111111111,
          big: Number('6212345434107032971'),
          amount: 1999,
          ['4111111111111111']: 1,
        },
        list: ['x 5555.5555.5555.4444'],
      },
      'card.number',
    );
    expect(screened).toEqual({
      title: 'for ****1111',
      card: { number: '4111111111111111', firstName: '****4444' },
      additionalData: { n: '****1111', big: '****', amount: 1999, '****1111': 1 },
      list: ['x ****4444'],
    });
  });

  it('keeps a key named __proto__ a plain key of the copy (no prototype is set through it)', () => {
    const screened = screenCardData(
      JSON.parse('{"__proto__":{"polluted":"4111111111111111"},"t":"4111111111111111"}'),
      'card.number',
    ) as Record<string, unknown>;
    expect(Object.getPrototypeOf(screened)).toBe(Object.prototype);
    expect(Object.keys(screened)).toEqual(['__proto__', 't']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((screened as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it.each([
    [{ orderId: '4111111111111111' }, 'orderId'],
    [{ customer: { cid: 'c-4111-1111-1111-1111' } }, 'customer.cid'],
    [{ notificationUrl: 'https://s.example/4111111111111111' }, 'notificationUrl'],
    [{ paymentProfileId: 4111111111111111 }, 'paymentProfileId'],
  ])('refuses %j, naming %s', (body, property) => {
    let thrown: unknown;
    try {
      screenCardData(body, 'card.number');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).errors[0]!.property).toBe(property);
  });
});
