import fc from 'fast-check';

/**
 * Hostile JSON, as text: values JSON.stringify cannot produce (1e309, -0 spelled out, duplicate keys, broken
 * escapes, thousands of nesting levels) are kept as `Raw` text or `Entries` and written by `toJsonText`.
 */
export class Raw {
  constructor(readonly text: string) {}
}

/** An object written with its entries in order, duplicates included (`{"a":1,"a":2}`). */
export class Entries {
  constructor(readonly entries: Array<[string, Hostile]>) {}
}

export type Hostile = null | boolean | number | string | Raw | Entries | Hostile[] | { [k: string]: Hostile };

export function toJsonText(value: Hostile | undefined): string {
  if (value === undefined) return '';
  if (value instanceof Raw) return value.text;
  if (value instanceof Entries) {
    return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => toJsonText(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    // Own keys only, including an own "__proto__" created with defineProperty / JSON.parse.
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${toJsonText(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A plain object that may have an own "__proto__" key (the literal `{__proto__: x}` would set the prototype). */
export function objectOf(entries: Array<[string, Hostile]>): { [k: string]: Hostile } {
  const o: { [k: string]: Hostile } = {};
  for (const [k, v] of entries)
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

export function luhnComplete(prefix: string): string {
  for (let d = 0; d <= 9; d++) {
    const candidate = prefix + d;
    let sum = 0;
    for (let i = 0; i < candidate.length; i++) {
      let n = Number(candidate[candidate.length - 1 - i]);
      if (i % 2 === 1) {
        n *= 2;
        if (n > 9) n -= 9;
      }
      sum += n;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

export const SANDBOX_CARDS = [
  '4111111111111111',
  '4485201817664006',
  '4444333322221111',
  '4012001037141112',
  '4749601201390567',
  '4934403892699132',
  '4012001007002005',
  '4282513338596268',
  '5555555555554444',
  '5454545454545454',
];

/** Luhn-valid card numbers: the sandbox's own and random ones of every plausible length. */
export const cardNumber: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SANDBOX_CARDS),
  fc
    .tuple(
      fc.constantFrom('4', '51', '55', '34', '37', '6011', '35', '36', '50', '67'),
      fc.integer({ min: 13, max: 19 }),
    )
    .chain(([prefix, length]) =>
      fc
        .string({
          unit: fc.constantFrom(...'0123456789'),
          minLength: length - prefix.length - 1,
          maxLength: length - prefix.length - 1,
        })
        .map((rest) => luhnComplete(prefix + rest)),
    ),
);

/** Card numbers the way clients mangle them: spaces, dashes, as a JSON number. */
export const cardNumberValue: fc.Arbitrary<{ pan: string; value: Hostile }> = fc
  .tuple(cardNumber, fc.constantFrom('plain', 'spaced', 'dashed', 'number', 'padded'))
  .map(([pan, style]) => {
    const groups = pan.match(/.{1,4}/g)!;
    const value: Hostile =
      style === 'spaced'
        ? groups.join(' ')
        : style === 'dashed'
          ? groups.join('-')
          : style === 'number' && pan.length <= 15
            ? Number(pan)
            : style === 'padded'
              ? ` ${pan} `
              : pan;
    return { pan, value };
  });

const SPECIAL_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'null',
  'undefined',
  'true',
  '0',
  '-0',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '0x10',
  '1_000',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '\u202Eevil\u202C',
  '\u05E9\u05DC\u05D5\u05DD',
  '𝟘𝟙𝟚𝟛',
  '😀',
  '\uD800',
  '\uDFFF',
  'e\u0301',
  '\uFEFF',
  '\uFFFD',
  '../../../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  '"\'><img src=x onerror=alert(1)>',
  "' OR 1=1 --",
  '${jndi:ldap://x}',
  '{{7*7}}',
  '\r\nX-Injected: 1',
  'PLN',
  'pln',
  'sale',
  'card',
  'oneclick',
  'recurring',
  'ecom3ds',
  'FIRST',
  'STANDARD',
  'refund',
  '12',
  '13',
  '00',
  '2099',
  '1999',
  '123',
  '1234',
  '12345',
  'https://shop.example/x',
  'javascript:alert(1)',
  'http://',
];

/** Raw JSON fragments JSON.stringify never writes. */
const RAW_NUMBERS = [
  '1e309',
  '-1e309',
  '-0',
  '0.0',
  '1e-400',
  '1E2',
  '1.0',
  '1.5',
  '-1',
  '0',
  '999999999',
  '1000000000',
  '9007199254740993',
  '12345678901234567890123456789',
  '1e21',
  '0.1e1',
];

const RAW_BROKEN = [
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  '01',
  '.5',
  '1.',
  '+1',
  '0x1F',
  "'single'",
  '"unterminated',
  '"\\u12"',
  '"\\uD800"',
  '"\\uDC00\\uD800"',
  '"\\x41"',
  '"tab\there"',
  '"nul\u0000raw"',
  '[1,]',
  '{"a":1,}',
  '{a:1}',
  '//',
  '/* c */1',
  'tru',
  'nul',
];

/** Strings of every shape: any code point (lone surrogates included), special values, huge ones. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...SPECIAL_STRINGS), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom('a', '9', 'ł', '😀', '\u0000', ' ', '\uD800'),
        fc.constantFrom(33, 101, 256, 300, 2049, 10_000, 40_000, 70_000),
      )
      .map(([c, n]) => c.repeat(n)),
    weight: 1,
  },
);

export const hostileNumber: fc.Arbitrary<Hostile> = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    1,
    1999,
    999999999,
    1_000_000_000,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
    0.5,
    1e-7,
    1e21,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(...RAW_NUMBERS).map((t) => new Raw(t)),
);

/** Thousands of nesting levels, in arrays or objects, sometimes unbalanced. */
export const deepNesting: fc.Arbitrary<Raw> = fc
  .tuple(
    fc.constantFrom(100, 1000, 5000, 20_000, 40_000),
    fc.constantFrom('array', 'object', 'mixed', 'unbalanced'),
  )
  .map(([depth, kind]) => {
    if (kind === 'array') return new Raw('['.repeat(depth) + ']'.repeat(depth));
    if (kind === 'object') return new Raw('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
    if (kind === 'mixed') return new Raw('[{"a":'.repeat(depth) + '[]' + '}]'.repeat(depth));
    return new Raw('['.repeat(depth));
  });

const POLLUTING_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'polluted',
  'isAdmin',
  'toString',
  'valueOf',
];

/** `{"__proto__": {...}}`, `{"constructor": {"prototype": {...}}}` and friends. */
export const pollution: fc.Arbitrary<Hostile> = fc.constantFrom<Hostile>(
  objectOf([['__proto__', { polluted: 'yes', isAdmin: true }]]),
  objectOf([['constructor', { prototype: { polluted: 'yes' } }]]),
  objectOf([['__proto__', objectOf([['__proto__', { polluted: 'yes' }]])]]),
  new Raw('{"__proto__":{"polluted":"yes"},"a":1}'),
  new Raw('{"constructor":{"prototype":{"polluted":"yes"}}}'),
  new Raw('{"__proto__":null}'),
  new Raw('{"__proto__":[]}'),
  new Raw('{"\\u005f_proto__":{"polluted":"yes"}}'),
  { toString: 'x', valueOf: 'y', hasOwnProperty: 'z' },
);

const leaf: fc.Arbitrary<Hostile> = fc.oneof(
  { arbitrary: hostileString, weight: 4 },
  { arbitrary: hostileNumber, weight: 3 },
  { arbitrary: fc.constantFrom<Hostile>(null, true, false, [], {}), weight: 2 },
  { arbitrary: fc.constantFrom(...RAW_BROKEN).map((t) => new Raw(t)), weight: 1 },
  { arbitrary: cardNumberValue.map((c) => c.value), weight: 1 },
);

/** Any JSON-ish value: leaves, small trees, duplicate keys, pollution, deep nesting. */
export const hostileValue: fc.Arbitrary<Hostile> = fc.letrec<{ value: Hostile }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: leaf, weight: 8 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 1 },
    {
      arbitrary: fc
        .array(fc.tuple(fc.oneof(hostileString, fc.constantFrom(...POLLUTING_KEYS)), tie('value')), {
          maxLength: 4,
        })
        .map((entries) => new Entries(entries)),
      weight: 1,
    },
    { arbitrary: pollution, weight: 1 },
    { arbitrary: deepNesting, weight: 1 },
  ),
})).value;

/** A whole request body as text. */
export const hostileBodyText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: hostileValue.map(toJsonText), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      ...RAW_BROKEN,
      '',
      ' ',
      '\n',
      '\u0000',
      '\uFEFF{}',
      '{}',
      '[]',
      'null',
      '""',
      '0',
    ),
    weight: 2,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
  { arbitrary: deepNesting.map((r) => r.text), weight: 1 },
);

/** Bytes that are not UTF-8 (overlongs, lone continuation bytes, surrogates encoded in UTF-8, 0xFF). */
export const invalidUtf8: fc.Arbitrary<Buffer> = fc.constantFrom(
  Buffer.from([0xff]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xe0, 0x80, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0x80]),
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  Buffer.from([0xc3]),
);

/** Inserts invalid UTF-8 at a position of an otherwise fine body. */
export function withInvalidUtf8(text: string, at: number, bad: Buffer): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const i = bytes.length === 0 ? 0 : at % (bytes.length + 1);
  return Buffer.concat([bytes.subarray(0, i), bad, bytes.subarray(i)]);
}

/** Header values a client can put on the wire (Node refuses CR, LF and characters above U+00FF). */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => (c === 0x7f ? '~' : String.fromCharCode(c))),
    maxLength: 60,
  }),
  fc.constantFrom('', ' ', '\t', 'null', 'a'.repeat(256), 'a'.repeat(4000), '%00', 'ä', '\u00ff\u00fe'),
);
