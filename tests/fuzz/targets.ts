import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { signWidget } from '../../src/widget/signature.js';
import type { TestGateway, TestMerchant } from '../support/gateway.js';
import { debitBody, FUTURE_YEAR, saleBody, uniqueCid } from '../support/payloads.js';
import {
  cardNumberValue,
  Entries,
  headerValue,
  hostileBodyText,
  hostileString,
  hostileValue,
  invalidUtf8,
  objectOf,
  Raw,
  SANDBOX_CARDS,
  toJsonText,
  withInvalidUtf8,
  type Hostile,
} from './hostile.js';
import { encodeAll, encodeSafe, type FuzzRequest } from './wire.js';

/** What exists in the gateway before fuzzing, so mutated requests reach the use cases, not just validation. */
export interface Fixture {
  gw: TestGateway;
  /** PCI shop, no pre-authorisation. */
  a: TestMerchant;
  /** PCI shop with pre-authorisation (capture/void). */
  b: TestMerchant;
  /** A settled sale that registered a ONE_CLICK profile (refundable). */
  settledSale: string;
  /** Settled FIRST registrations: their firstTransactionId and card. */
  first: { id: string; firstTransactionId: string; number: string };
  /** A sale waiting for its 3-D Secure challenge. */
  pendingSale: string;
  /** Authorized pre-authorisations of merchant b. */
  authorized: string[];
  activeProfile: string;
  inactiveProfile: string;
  cids: string[];
  adminToken: string;
  /** A notification that exists (the shops have a notification URL; the worker is off, so it stays pending). */
  notificationId: string;
  /** A widget session id that exists. */
  widgetSession(): Promise<string>;
}

export const ADMIN_TOKEN = 'fuzz-admin-token-0123456789abcdefghij';

async function ok<T>(p: Promise<{ status: number; body: T; text: string }>): Promise<T> {
  const res = await p;
  if (res.status !== 200) throw new Error(`fixture request failed: ${res.status} ${res.text}`);
  return res.body;
}

type Tx = {
  transaction: { id: string; status: string; paymentProfile?: { id: string }; firstTransactionId?: string };
};

export async function buildFixture(gw: TestGateway): Promise<Fixture> {
  const a = gw.merchant;
  const b = await gw.newMerchant({ preauth: true });
  const cid1 = uniqueCid();
  const reg = await ok(
    a.api.post<Tx>(
      '/transaction',
      saleBody(a.serviceId, {
        customer: { firstName: 'Jan', lastName: 'K', email: 'j@example.com', cid: cid1 },
      }),
    ),
  );
  const cid2 = uniqueCid();
  const reg2 = await ok(
    a.api.post<Tx>(
      '/transaction',
      saleBody(
        a.serviceId,
        {
          paymentMethodCode: 'recurring',
          customer: { firstName: 'Jan', lastName: 'K', email: 'j@example.com', cid: cid2 },
        },
        { number: '5555555555554444' },
      ),
    ),
  );
  const inactive = reg2.transaction.paymentProfile!.id;
  await ok(a.api.post('/profile/deactivate', { paymentProfileId: inactive }));
  const first = await ok(
    a.api.post<Tx>(
      '/transaction',
      saleBody(a.serviceId, { profileType: 'FIRST' }, { number: '4485201817664006' }),
    ),
  );
  const firstRead = await ok(a.api.get<Tx>(`/transaction/${first.transaction.id}`));
  const pending = await ok(
    a.api.post<Tx>(
      '/transaction',
      saleBody(a.serviceId, { paymentMethodCode: 'ecom3ds' }, { number: '4012001037141112' }),
    ),
  );
  const listed = await ok(
    gw.http.get<{ notifications: Array<{ id: string }> }>('/admin/notifications', {
      authorization: `Bearer ${ADMIN_TOKEN}`,
    }),
  );
  const authorized: string[] = [];
  for (let i = 0; i < 3; i++) {
    const t = await ok(
      b.api.post<Tx>('/transaction', saleBody(b.serviceId, { paymentMethodCode: 'ecom3ds' })),
    );
    authorized.push(t.transaction.id);
  }
  return {
    gw,
    a,
    b,
    settledSale: reg.transaction.id,
    first: {
      id: first.transaction.id,
      firstTransactionId: firstRead.transaction.firstTransactionId!,
      number: '4485201817664006',
    },
    pendingSale: pending.transaction.id,
    authorized,
    activeProfile: reg.transaction.paymentProfile!.id,
    inactiveProfile: inactive,
    cids: [cid1, cid2],
    adminToken: ADMIN_TOKEN,
    notificationId: listed.notifications[0]?.id ?? randomUUID(),
    async widgetSession() {
      const signed: Record<string, string> = {
        merchantId: a.merchantId,
        serviceId: a.serviceId,
        amount: '1999',
        currency: 'PLN',
        orderId: `w-${randomUUID().slice(0, 8)}`,
        customerId: uniqueCid(),
        customerFirstName: 'Jan',
        customerLastName: 'Kowalski',
        customerEmail: 'jan@example.com',
        urlSuccess: 'https://shop.example/success',
        urlFailure: 'https://shop.example/failure',
      };
      const form = new URLSearchParams({ ...signed, signature: signWidget(signed, a.serviceKey) });
      const res = await fetch(`${gw.url}/widget/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        redirect: 'manual',
      });
      const location = res.headers.get('location');
      await res.text();
      if (res.status !== 303 || !location) throw new Error(`widget session: ${res.status}`);
      return location.split('/').pop()!;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Pieces of a request

/** Usually the valid value (so the use case runs), sometimes a near miss, sometimes anything. */
function mostly<T>(valid: fc.Arbitrary<T>, near: fc.Arbitrary<T>, any: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof(
    { arbitrary: valid, weight: 8 },
    { arbitrary: near, weight: 1 },
    { arbitrary: any, weight: 1 },
  );
}

export type Parts = {
  method?: string;
  path: string;
  body?: Hostile | Buffer | string;
  /** Content type of a body; defaults to application/json. */
  contentType?: string;
  headers?: Record<string, string | string[]>;
  pans?: string[];
  mustSucceed?: boolean;
};

export function build(parts: Parts): FuzzRequest {
  const headers: Record<string, string | string[]> = { ...parts.headers };
  let body: Buffer | undefined;
  if (parts.body !== undefined) {
    body = Buffer.isBuffer(parts.body)
      ? parts.body
      : typeof parts.body === 'string'
        ? Buffer.from(parts.body, 'utf8')
        : Buffer.from(toJsonText(parts.body), 'utf8');
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = parts.contentType ?? 'application/json';
    // Node's client sends a GET body without Content-Length, which the server rightly reads as a second request.
    headers['content-length'] = String(body.length);
  }
  const pans = (parts.pans ?? []).flatMap((p) => [p]);
  return {
    method: parts.method ?? 'GET',
    path: parts.path,
    headers,
    body,
    pans,
    mustSucceed: parts.mustSucceed,
  };
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/problem+json',
  'application/json5',
  'application/jsonx',
  'text/json',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/octet-stream',
  '*/*',
  'application/*',
  '',
  ';',
  'application/json; boundary=',
  'application/json, text/plain',
];

/** Header mutations: content types (also two of them), Idempotency-Key, Authorization, odd extras. */
export function headerArb(
  tokens: string[],
): fc.Arbitrary<{ set: Record<string, string | string[]>; auth: boolean }> {
  const token = fc.oneof(
    { arbitrary: fc.constant(`Bearer ${tokens[0]}`), weight: 12 },
    { arbitrary: fc.constantFrom(...tokens.slice(1).map((t) => `Bearer ${t}`)), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        '',
        'Bearer',
        'Bearer ',
        `bearer ${tokens[0]}`,
        `Bearer  ${tokens[0]}  `,
        `Bearer ${tokens[0]}x`,
        `Basic ${Buffer.from('a:b').toString('base64')}`,
        `Bearer ${'a'.repeat(600)}`,
        'Bearer %00',
        'Bearer ä',
      ),
      weight: 1,
    },
    { arbitrary: headerValue, weight: 1 },
  );
  return fc
    .record(
      {
        authorization: token,
        contentType: fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 10 },
          { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 3 },
          {
            arbitrary: fc
              .tuple(fc.constantFrom(...CONTENT_TYPES), fc.constantFrom(...CONTENT_TYPES))
              .map((t) => [...t]),
            weight: 1,
          },
          { arbitrary: headerValue, weight: 1 },
        ),
        idempotencyKey: fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 6 },
          { arbitrary: fc.uuid().map((u) => `fuzz-${u}`), weight: 3 },
          { arbitrary: fc.constantFrom('fuzz-shared-1', 'fuzz-shared-2'), weight: 2 },
          {
            arbitrary: fc.constantFrom(
              '',
              ' ',
              'a'.repeat(255),
              'a'.repeat(256),
              'a'.repeat(5000),
              Buffer.from('ą', 'utf8').toString('latin1'),
              'key with space',
              '\t',
              '%00',
            ),
            weight: 1,
          },
          { arbitrary: headerValue, weight: 1 },
          { arbitrary: fc.tuple(fc.uuid(), fc.uuid()).map((t) => [...t]), weight: 1 },
        ),
        extra: fc.oneof(
          { arbitrary: fc.constant({}), weight: 8 },
          {
            arbitrary: fc.constantFrom<Record<string, string | string[]>>(
              { accept: 'text/html' },
              { accept: 'application/xml' },
              { 'content-encoding': 'gzip' },
              { 'content-encoding': 'br, deflate' },
              { 'x-forwarded-for': '1.2.3.4, ::1' },
              { 'x-http-method-override': 'DELETE' },
              { expect: '100-continue' },
              { 'accept-charset': 'utf-16' },
              { cookie: '__proto__=1' },
              { 'sec-fetch-site': 'cross-site' },
              { origin: 'null' },
              { 'if-none-match': '*' },
              { range: 'bytes=0-10' },
            ),
            weight: 2,
          },
          {
            arbitrary: fc
              .tuple(
                fc.string({
                  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz-_0123456789!#$%&*+.^`|~'),
                  minLength: 1,
                  maxLength: 30,
                }),
                headerValue,
              )
              .map(([k, v]) => ({ [k]: v })),
            weight: 1,
          },
        ),
      },
      { requiredKeys: ['authorization', 'extra'] },
    )
    .map((h) => {
      const set: Record<string, string | string[]> = { ...h.extra };
      set.authorization = h.authorization;
      if (h.contentType !== undefined) set['content-type'] = h.contentType;
      if (h.idempotencyKey !== undefined) set['idempotency-key'] = h.idempotencyKey;
      return { set, auth: h.authorization === `Bearer ${tokens[0]}` };
    });
}

/** A path segment: real ids, near-misses, traversal, NUL, bad escapes, bytes ≥ 0x80, very long, unicode. */
export function segmentArb(real: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...real), weight: 6 },
    { arbitrary: fc.uuid({ version: 4 }), weight: 2 },
    { arbitrary: fc.constantFrom(...real).map((id) => id.toUpperCase()), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        '',
        '%00',
        'a%00b',
        '..',
        '../..',
        '..%2f..%2fetc%2fpasswd',
        '%2e%2e',
        '.',
        '%',
        '%zz',
        '%c0%af',
        '%ff%fe',
        '%ED%A0%80',
        '\u00e9',
        '\u00ff',
        ';x=1',
        '%3Bx',
        '%2F',
        '%23',
        '%3F',
        '__proto__',
        'constructor',
        'prototype',
        'a'.repeat(64),
        'a'.repeat(65),
        'a'.repeat(201),
        'a'.repeat(2100),
        '0',
        '-1',
        '1e309',
        'null',
        'undefined',
      ),
      weight: 3,
    },
    { arbitrary: hostileString.filter((s) => s.length < 3000).map(encodeSafe), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map(encodeAll), weight: 1 },
  );
}

/** Query strings: none mostly; duplicates, arrays, pollution, bad escapes, huge. */
export const queryArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constant(''), weight: 8 },
  {
    arbitrary: fc.constantFrom(
      '?',
      '?a=1',
      '?a=1&a=2',
      '?__proto__[polluted]=1',
      '?__proto__.polluted=1',
      '?constructor[prototype][polluted]=1',
      '?a[]=1&a[]=2',
      '?%',
      '?a=%zz',
      '?%00=%00',
      '?a=%ff%fe',
      '?&&&',
      '?=',
      `?q=${'a'.repeat(2100)}`,
      '?status=pending&status=failed',
      '?status=__proto__',
      '?limit=1000',
      '?limit=1001',
      '?limit=0',
      '?limit=1e3',
      '?limit=-1',
      '?merchant=%00',
      '?transaction=' + 'x'.repeat(65),
      '?cid=a&type=recurring&locale=pl&inline=true',
      '?result=success&cid=<script>&type=x',
      '?#frag',
    ),
    weight: 3,
  },
  {
    arbitrary: fc
      .array(
        fc.tuple(
          hostileString.filter((s) => s.length < 500),
          hostileString.filter((s) => s.length < 500),
        ),
        { maxLength: 4 },
      )
      .map((pairs) => '?' + pairs.map(([k, v]) => `${encodeSafe(k)}=${encodeSafe(v)}`).join('&')),
    weight: 2,
  },
);

const METHODS = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'HEAD',
  'TRACE',
  'PROPFIND',
  'SEARCH',
  'LOCK',
  'PURGE',
];

export function methodArb(own: string): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constant(own), weight: 12 },
    { arbitrary: fc.constantFrom(...METHODS), weight: 1 },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Mutating valid bodies field by field

type Json = { [k: string]: unknown } | unknown[];

/** Every path to a value inside a plain JSON document (objects and arrays), the root excluded. */
function allPaths(value: unknown, prefix: string[] = []): string[][] {
  if (!value || typeof value !== 'object' || value instanceof Raw || value instanceof Entries) return [];
  const out: string[][] = [];
  for (const key of Object.keys(value)) {
    const p = [...prefix, key];
    out.push(p);
    out.push(...allPaths((value as Record<string, unknown>)[key], p));
  }
  return out;
}

/** Plausible values per field name: they pass the schema, so the use case decides. */
export function poolsFor(fx: Fixture): Record<string, Hostile[]> {
  const ids = [fx.settledSale, fx.pendingSale, fx.first.id, ...fx.authorized];
  return {
    number: [
      ...SANDBOX_CARDS,
      fx.first.number,
      '4111111111111112',
      '411111111111',
      '4111 1111 1111 1111',
      '4111-1111-1111-1111',
      '1234567890123456789012',
    ],
    month: ['01', '12', '13', '00', '1', '1 ', 'ab', '٣'],
    year: [FUTURE_YEAR, '2020', String(new Date().getUTCFullYear()), '99', '2101', '0000'],
    cvv: ['123', '1234', '12', '12345', 'abc', '', null],
    paymentMethodCode: ['oneclick', 'recurring', 'ecom3ds', 'blik', 'ONECLICK', ''],
    paymentMethod: ['card', 'blik', 'CARD', 'pbl'],
    profileType: ['FIRST', 'STANDARD', null, 'first'],
    firstTransactionId: [fx.first.firstTransactionId, '123456789012345', fx.first.id, 'x'],
    serviceId: [fx.a.serviceId, fx.b.serviceId, randomUUID()],
    paymentProfileId: [fx.activeProfile, fx.inactiveProfile, randomUUID()],
    amount: [
      1,
      2,
      100,
      1999,
      2000,
      999999999,
      1000000000,
      0,
      -1,
      1.5,
      '100',
      new Raw('1e2'),
      new Raw('1.0'),
      new Raw('-0'),
    ],
    currency: ['PLN', 'EUR', 'USD', 'pln', 'XXX', 'PLN '],
    cid: [...fx.cids, uniqueCid(), 'a'.repeat(36), 'a'.repeat(37), 'ab_c'],
    type: ['sale', 'refund', 'SALE'],
    transactionId: ids,
    orderId: ['o-1', '#1', 'ąę', 'a'.repeat(100), 'a'.repeat(101)],
    title: ['', 'x', '"quoted"', 'a'.repeat(255), 'a'.repeat(256)],
    email: ['a@b', 'a@b@c', 'a'.repeat(200) + '@x'],
    successReturnUrl: ['https://x.example/', 'http://x', 'ftp://x', 'https://' + 'a'.repeat(300)],
    notificationUrl: ['https://x.example/n', 'http://127.0.0.1:1/n', null, 'not a url'],
    validTo: [0, 1, 4102444800, '2099-01-01 00:00:00', 'tomorrow', -1],
  };
}

type Op =
  | 'delete'
  | 'hostile'
  | 'pool'
  | 'null'
  | 'wrapArray'
  | 'stringify'
  | 'addKey'
  | 'dupKey'
  | 'pollute'
  | 'pan';

export interface Mutation {
  at: number;
  op: Op;
  value: Hostile;
  pick: number;
  key: string;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom<Op>(
    'delete',
    'hostile',
    'hostile',
    'pool',
    'pool',
    'pool',
    'null',
    'wrapArray',
    'stringify',
    'addKey',
    'dupKey',
    'pollute',
    'pan',
  ),
  value: hostileValue,
  pick: fc.nat(),
  key: fc.oneof(
    hostileString.filter((s) => s.length < 100),
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra'),
  ),
});

const cardArb = cardNumberValue;

/**
 * Applies mutations to a fresh valid body. Returns the document to send (which may hold `Raw`/`Entries` nodes)
 * and the card numbers it carries.
 */
export function mutate(
  valid: Record<string, unknown>,
  mutations: Mutation[],
  pools: Record<string, Hostile[]>,
  pans: Array<{ pan: string; value: Hostile }>,
): { doc: Hostile; pans: string[] } {
  const doc = cloneHostile(valid) as Json;
  const carried: string[] = [];
  /** Keys written a second time, with another value (`{"amount":1,"amount":"x"}`), per object. */
  const dups = new Map<object, Array<[string, Hostile]>>();
  let panIndex = 0;
  for (const m of mutations) {
    const paths = allPaths(doc);
    if (paths.length === 0) break;
    const path = paths[m.at % paths.length]!;
    const parent = path
      .slice(0, -1)
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], doc) as Record<string, unknown>;
    const key = path[path.length - 1]!;
    if (!parent || typeof parent !== 'object') continue;
    const current = parent[key];
    const set = (v: unknown) =>
      Object.defineProperty(parent, key, {
        value: cloneHostile(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    switch (m.op) {
      case 'delete':
        delete parent[key];
        break;
      case 'hostile':
        set(m.value);
        break;
      case 'pool': {
        const pool = pools[key];
        if (pool) set(pool[m.pick % pool.length]);
        else set(m.value);
        break;
      }
      case 'null':
        set(null);
        break;
      case 'wrapArray':
        set([current]);
        break;
      case 'stringify':
        set(typeof current === 'string' ? Number(current) : JSON.stringify(current ?? null));
        break;
      case 'addKey':
        // Never onto a Raw (or Entries): those are shared constants, written by their own text. A key added to
        // one outlived the run, and one holding that same Raw made it circular for the `stringify` mutation.
        if (current instanceof Entries) set(new Entries([...current.entries, [m.key, m.value]]));
        else if (
          typeof current === 'object' &&
          current !== null &&
          !Array.isArray(current) &&
          !(current instanceof Raw)
        )
          Object.defineProperty(current, m.key, {
            value: cloneHostile(m.value),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else set(new Entries([[m.key, m.value]]));
        break;
      case 'pollute':
        set(POLLUTIONS[m.pick % POLLUTIONS.length]);
        break;
      case 'dupKey':
        if (!Array.isArray(parent)) dups.set(parent, [...(dups.get(parent) ?? []), [key, m.value]]);
        break;
      case 'pan': {
        const c = pans[panIndex++ % Math.max(1, pans.length)];
        if (c) set(c.value);
        break;
      }
    }
  }
  const withDups = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(withDups);
    if (!v || typeof v !== 'object' || v instanceof Raw || v instanceof Entries) return v;
    const own = Object.keys(v).map((k): [string, Hostile] => [
      k,
      withDups((v as Record<string, unknown>)[k]) as Hostile,
    ]);
    const extra = dups.get(v);
    return extra ? new Entries([...own, ...extra]) : objectOf(own);
  };
  const final = withDups(doc) as Hostile;
  for (const c of pans) carried.push(c.pan);
  collectPans(final, carried);
  return { doc: final, pans: carried };
}

/** A deep copy that keeps `Raw`/`Entries` nodes and own "__proto__" keys (fast-check values must not change). */
function cloneHostile(v: unknown): unknown {
  if (v instanceof Raw) return v;
  if (v instanceof Entries) return new Entries(v.entries.map(([k, x]) => [k, cloneHostile(x) as Hostile]));
  if (Array.isArray(v)) return v.map(cloneHostile);
  if (v && typeof v === 'object')
    return objectOf(
      Object.keys(v).map((k) => [k, cloneHostile((v as Record<string, unknown>)[k]) as Hostile]),
    );
  return v;
}

const POLLUTIONS: Hostile[] = [
  objectOf([['__proto__', { polluted: 'yes', isAdmin: true }]]),
  objectOf([['constructor', { prototype: { polluted: 'yes' } }]]),
  new Raw('{"__proto__":{"polluted":"yes"}}'),
  new Raw('{"constructor":{"prototype":{"polluted":"yes"}}}'),
];

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
    sum += n;
  }
  return sum % 10 === 0;
}

/** Fields that carry long digit strings which are not card numbers (the acquirer's network transaction id). */
const NOT_CARDS = new Set(['firstTransactionId']);

/** Card numbers in the body: any string or number whose digits form a Luhn-valid 13–19-digit number. */
function collectPans(v: unknown, out: string[]): void {
  // A JSON number carries a card number exactly only as a positive safe integer (the server parses doubles).
  if (typeof v === 'number' && !(Number.isSafeInteger(v) && v > 0)) return;
  if (typeof v === 'string' || typeof v === 'number') {
    const digits = String(v).replace(/[\s-]/g, '');
    if (/^[0-9]{13,19}$/.test(digits) && luhn(digits)) out.push(digits);
    return;
  }
  if (v instanceof Entries) {
    for (const [k, x] of v.entries) if (!NOT_CARDS.has(k)) collectPans(x, out);
    return;
  }
  if (v && typeof v === 'object' && !(v instanceof Raw))
    for (const k of Object.keys(v))
      if (!NOT_CARDS.has(k)) collectPans((v as Record<string, unknown>)[k], out);
}

// ---------------------------------------------------------------------------------------------------------
// Bodies

/** A mutated valid body, or a hostile one, sent as JSON, with invalid UTF-8 sometimes. */
function bodyArb(
  valid: (pick: number) => Record<string, unknown>,
  pools: Record<string, Hostile[]>,
): fc.Arbitrary<{ body: Buffer | string | Hostile | undefined; pans: string[]; valid: boolean }> {
  return fc.oneof(
    {
      arbitrary: fc
        .tuple(
          fc.array(mutationArb, { minLength: 0, maxLength: 4 }),
          fc.array(cardArb, { maxLength: 2 }),
          fc.nat(),
        )
        .map(([muts, pans, pick]) => {
          const { doc, pans: carried } = mutate(valid(pick), muts, pools, pans);
          return { body: doc, pans: carried, valid: muts.length === 0 };
        }),
      weight: 8,
    },
    { arbitrary: hostileBodyText.map((t) => ({ body: t, pans: [], valid: false })), weight: 2 },
    {
      arbitrary: fc
        .tuple(fc.array(mutationArb, { maxLength: 2 }), fc.nat(), invalidUtf8)
        .map(([muts, at, bad]) => ({
          body: withInvalidUtf8(toJsonText(mutate(valid(at), muts, pools, []).doc), at, bad),
          pans: [],
          valid: false,
        })),
      weight: 1,
    },
    { arbitrary: fc.constant({ body: undefined, pans: [] as string[], valid: false }), weight: 1 },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Targets: one property per endpoint

export interface Target {
  name: string;
  arb: fc.Arbitrary<FuzzRequest>;
}

interface EndpointSpec {
  name: string;
  method: string;
  /** Builds the path from a (possibly hostile) segment. */
  path: (seg: string, mid: string) => string;
  segments?: string[];
  merchant: TestMerchant;
  /** A fresh valid body; none for GET/DELETE. */
  body?: (pick: number) => Record<string, unknown>;
  /** An unmutated body with standard headers must succeed. */
  validSucceeds?: boolean;
}

function endpointArb(fx: Fixture, spec: EndpointSpec): fc.Arbitrary<FuzzRequest> {
  const pools = poolsFor(fx);
  const other = fx.b === spec.merchant ? fx.a : fx.b;
  const tokens = [spec.merchant.token, other.token];
  const mids = fc.oneof(
    { arbitrary: fc.constant(spec.merchant.merchantId), weight: 14 },
    { arbitrary: fc.constant(other.merchantId), weight: 1 },
    { arbitrary: segmentArb([spec.merchant.merchantId]), weight: 1 },
  );
  const seg = segmentArb(spec.segments ?? ['x']);
  const body = spec.body
    ? bodyArb(spec.body, pools)
    : fc.oneof(
        { arbitrary: fc.constant({ body: undefined, pans: [] as string[], valid: true }), weight: 6 },
        {
          arbitrary: hostileBodyText.map((t) => ({
            body: t as string | undefined,
            pans: [] as string[],
            valid: false,
          })),
          weight: 1,
        },
      );
  return fc
    .record({
      method: methodArb(spec.method),
      mid: mids,
      seg,
      query: queryArb,
      headers: headerArb(tokens),
      body,
    })
    .map((r) => {
      const standard =
        r.method === spec.method &&
        r.mid === spec.merchant.merchantId &&
        r.query === '' &&
        r.headers.auth &&
        Object.keys(r.headers.set).length === 1 &&
        (spec.segments === undefined || r.seg === spec.segments[0]);
      return build({
        method: r.method,
        path: spec.path(r.seg, r.mid) + r.query,
        body: r.body.body,
        headers: r.headers.set,
        pans: r.body.pans,
        mustSucceed: Boolean(spec.validSucceeds && standard && r.body.valid),
      });
    });
}

const api = (mid: string, rest: string) => `/v1/merchant/${mid}${rest}`;
const ext = (mid: string, rest: string) => `/kartoteka/v1/merchant/${mid}${rest}`;

export function apiTargets(fx: Fixture): Target[] {
  const { a, b } = fx;
  const txIds = [fx.settledSale, fx.pendingSale, fx.first.id, ...fx.authorized];
  const sale = (m: TestMerchant) => (pick: number) => {
    // Merchant b cannot quote merchant a's FIRST payment, so it gets the first four variants only.
    const variant = pick % (m === a ? 5 : 4);
    if (variant === 0) return saleBody(m.serviceId);
    if (variant === 1)
      return saleBody(m.serviceId, { paymentMethodCode: 'recurring' }, { number: '5555555555554444' });
    if (variant === 2)
      return saleBody(m.serviceId, { paymentMethodCode: 'ecom3ds' }, { number: '4012001037141112' });
    if (variant === 3) return saleBody(m.serviceId, { profileType: 'FIRST' }, { number: '4111111111111111' });
    return saleBody(
      m.serviceId,
      { profileType: 'STANDARD', paymentMethodCode: 'recurring' },
      { number: fx.first.number, cvv: null, firstTransactionId: fx.first.firstTransactionId },
    );
  };
  const specs: EndpointSpec[] = [
    {
      name: 'POST /transaction',
      method: 'POST',
      merchant: a,
      path: (_s, mid) => api(mid, '/transaction'),
      body: sale(a),
      validSucceeds: true,
    },
    {
      name: 'POST /transaction (pre-auth shop)',
      method: 'POST',
      merchant: b,
      path: (_s, mid) => api(mid, '/transaction'),
      body: sale(b),
      validSucceeds: true,
    },
    {
      name: 'POST /transaction/profile',
      method: 'POST',
      merchant: a,
      path: (_s, mid) => api(mid, '/transaction/profile'),
      body: () => debitBody(a.serviceId, fx.activeProfile),
    },
    {
      name: 'GET /transaction/{id}',
      method: 'GET',
      merchant: a,
      segments: txIds,
      path: (s, mid) => api(mid, `/transaction/${s}`),
    },
    {
      name: 'POST /transaction/{id}/refund',
      method: 'POST',
      merchant: a,
      segments: txIds,
      path: (s, mid) => api(mid, `/transaction/${s}/refund`),
      body: () => ({ type: 'refund', serviceId: a.serviceId, amount: 1, title: 'Refund' }),
    },
    {
      name: 'POST /transaction/{id}/can-refund',
      method: 'POST',
      merchant: a,
      segments: txIds,
      path: (s, mid) => api(mid, `/transaction/${s}/can-refund`),
      body: () => ({ amount: 100 }),
    },
    ...(['capture', 'void'] as const).map<EndpointSpec>((op) => ({
      name: `POST /transaction/{id}/${op}`,
      method: 'POST',
      merchant: b,
      segments: [...fx.authorized, fx.settledSale],
      path: (s, mid) => api(mid, `/transaction/${s}/${op}`),
      // Capture's optional amount (partial capture) is fuzzed too; void takes no fields.
      body: () => (op === 'capture' ? { amount: 100 } : {}),
    })),
    {
      name: 'GET /profile/id/{id}',
      method: 'GET',
      merchant: a,
      segments: [fx.activeProfile, fx.inactiveProfile],
      path: (s, mid) => api(mid, `/profile/id/${s}`),
    },
    {
      name: 'DELETE /profile/id/{id}',
      method: 'DELETE',
      merchant: a,
      segments: [fx.inactiveProfile, fx.activeProfile],
      path: (s, mid) => api(mid, `/profile/id/${s}`),
    },
    {
      name: 'GET /profile/cid/{cid}',
      method: 'GET',
      merchant: a,
      segments: fx.cids,
      path: (s, mid) => api(mid, `/profile/cid/${s}`),
    },
    {
      name: 'POST /profile/deactivate',
      method: 'POST',
      merchant: a,
      path: (_s, mid) => api(mid, '/profile/deactivate'),
      body: () => ({ paymentProfileId: fx.inactiveProfile }),
    },
    {
      name: 'GET /services',
      method: 'GET',
      merchant: a,
      path: (_s, mid) => api(mid, '/services'),
    },
    {
      name: 'GET /service/{id}',
      method: 'GET',
      merchant: a,
      segments: [a.serviceId, b.serviceId],
      path: (s, mid) => api(mid, `/service/${s}`),
    },
    {
      name: 'POST /service/{id}/get-payment-methods',
      method: 'POST',
      merchant: a,
      segments: [a.serviceId, b.serviceId],
      path: (s, mid) => api(mid, `/service/${s}/get-payment-methods`),
      body: () => ({ amount: 1999, currency: 'PLN' }),
    },
    {
      name: 'POST /payment (payment link)',
      method: 'POST',
      merchant: a,
      path: (_s, mid) => api(mid, '/payment'),
      body: (pick) => ({
        serviceId: a.serviceId,
        amount: 2599,
        currency: 'PLN',
        orderId: `fuzz-link-${pick}`,
        title: 'Invoice 7',
        customer: {
          firstName: 'Jan',
          lastName: 'Kowalski',
          email: 'jan@example.com',
          cid: `fuzz-${pick % 7}`,
        },
        preselectMethodCode: pick % 2 === 0 ? 'oneclick' : 'ecom3ds',
        successReturnUrl: 'https://shop.example/success',
        failureReturnUrl: 'https://shop.example/failure',
        returnUrl: 'https://shop.example/return',
      }),
      validSucceeds: true,
    },
    {
      name: 'GET /payment/{id}',
      method: 'GET',
      merchant: a,
      segments: ['00000000-0000-4000-8000-000000000000'],
      path: (s, mid) => api(mid, `/payment/${s}`),
    },
    {
      name: 'POST /payment/cancel',
      method: 'POST',
      merchant: a,
      path: (_s, mid) => api(mid, '/payment/cancel'),
      body: () => ({ serviceId: a.serviceId, paymentId: '00000000-0000-4000-8000-000000000000' }),
    },
    // Kartoteka's extensions (/kartoteka/v1/merchant/{id}/…): the same rules — an answer or a 4xx envelope.
    // The test clock is fuzzed by its read only: an advance would move the fixture shops' time under the
    // other targets.
    {
      name: 'GET /kartoteka/…/transactions',
      method: 'GET',
      merchant: a,
      segments: [
        '?status=settled&limit=2',
        '?cid=' + (fx.cids[0] ?? 'x'),
        '?amountMin=1&amountMax=99999',
        '',
      ],
      path: (s, mid) => ext(mid, `/transactions${s}`),
    },
    {
      name: 'GET /kartoteka/…/transactions/{id}/timeline',
      method: 'GET',
      merchant: a,
      segments: txIds,
      path: (s, mid) => ext(mid, `/transactions/${s}/timeline`),
    },
    {
      name: 'GET /kartoteka/…/transactions/{id}/agreement',
      method: 'GET',
      merchant: a,
      segments: [fx.first.id, fx.settledSale],
      path: (s, mid) => ext(mid, `/transactions/${s}/agreement`),
    },
    {
      name: 'GET /kartoteka/…/profiles/{id}/agreement',
      method: 'GET',
      merchant: a,
      segments: [fx.activeProfile, fx.inactiveProfile],
      path: (s, mid) => ext(mid, `/profiles/${s}/agreement`),
    },
    {
      name: 'GET /kartoteka/…/notifications',
      method: 'GET',
      merchant: a,
      segments: ['?status=pending', '?transactionId=' + fx.settledSale, '?limit=1', ''],
      path: (s, mid) => ext(mid, `/notifications${s}`),
    },
    {
      name: 'POST /kartoteka/…/notifications/{id}/resend',
      method: 'POST',
      merchant: a,
      segments: [fx.notificationId],
      path: (s, mid) => ext(mid, `/notifications/${s}/resend`),
      body: () => ({}),
    },
    {
      name: 'POST /kartoteka/…/schedules',
      method: 'POST',
      merchant: a,
      path: (_s, mid) => ext(mid, '/schedules'),
      body: (pick) => ({
        paymentProfileId: fx.activeProfile,
        amount: 4900,
        currency: 'PLN',
        interval: { unit: (['day', 'week', 'month', 'year'] as const)[pick % 4], count: 1 },
      }),
    },
    {
      name: 'GET|POST /kartoteka/…/schedules/{id}[/action]',
      method: 'GET',
      merchant: a,
      segments: ['00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000/pause'],
      path: (s, mid) => ext(mid, `/schedules/${s}`),
    },
    {
      name: 'GET /kartoteka/…/test-clock/{serviceId}',
      method: 'GET',
      merchant: a,
      segments: [a.serviceId, b.serviceId],
      path: (s, mid) => ext(mid, `/test-clock/${s}`),
    },
  ];
  return specs.map((spec) => ({ name: spec.name, arb: endpointArb(fx, spec) }));
}

/** The root routes: 3-D Secure pages, health, OpenAPI, docs, widget, demo shop, admin. */
export function rootTargets(fx: Fixture): Target[] {
  const plainHeaders = fc.oneof(
    { arbitrary: fc.constant<Record<string, string | string[]>>({}), weight: 6 },
    headerArb([fx.adminToken, fx.a.token]).map((h) => h.set),
  );
  const formOrJson = fc.oneof(
    fc
      .constantFrom(
        'result=pass',
        'result=fail',
        'result=maybe',
        'result=pass&result=fail',
        '',
        '__proto__[polluted]=1',
        'result=%ff',
        'result=' + 'a'.repeat(70_000),
      )
      .map((b) => ({
        body: b as Hostile | string | Buffer,
        contentType: 'application/x-www-form-urlencoded',
      })),
    hostileBodyText.map((b) => ({ body: b as Hostile | string | Buffer, contentType: 'application/json' })),
    fc
      .tuple(fc.constantFrom(...CONTENT_TYPES), hostileString)
      .map(([ct, b]) => ({ body: b as Hostile | string | Buffer, contentType: ct })),
    invalidUtf8.map((b) => ({
      body: Buffer.concat([Buffer.from('result='), b]) as Hostile | string | Buffer,
      contentType: 'application/x-www-form-urlencoded',
    })),
  );
  const threeDsIds = segmentArb([fx.pendingSale, fx.settledSale]);
  const adminHeaders = headerArb([fx.adminToken, fx.a.token]).map((h) => h.set);
  const page = (
    name: string,
    method: string,
    path: (seg: string) => string,
    segs: string[],
    withBody = false,
    admin = false,
  ): Target => ({
    name,
    arb: fc
      .record({
        method: methodArb(method),
        seg: segmentArb(segs),
        query: queryArb,
        headers: admin ? adminHeaders : plainHeaders,
        body: withBody ? fc.option(formOrJson, { nil: undefined }) : fc.constant(undefined),
      })
      .map((r) =>
        build({
          method: r.method,
          path: path(r.seg) + r.query,
          headers: { ...r.headers },
          body: r.body?.body,
          contentType: r.body?.contentType,
        }),
      ),
  });
  const widgetAttrs = fc
    .record({
      base: fc.boolean(),
      muts: fc.array(mutationArb, { maxLength: 3 }),
      signed: fc.boolean(),
    })
    .map((r) => {
      const attrs: Record<string, unknown> = {
        merchantId: fx.a.merchantId,
        serviceId: fx.a.serviceId,
        amount: '1999',
        currency: 'PLN',
        orderId: 'w-fuzz',
        customerId: uniqueCid(),
        customerFirstName: 'Jan',
        customerLastName: 'Kowalski',
        customerEmail: 'jan@example.com',
        validTo: '2099-01-01 00:00:00',
        locale: 'pl',
      };
      const { doc } = mutate(attrs, r.muts, {}, []);
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(doc as Record<string, unknown>))
        flat[k] = typeof v === 'string' ? v : toJsonText(v as Hostile);
      if (r.signed) flat.signature = signWidget(flat, fx.a.serviceKey);
      return new URLSearchParams(flat).toString();
    });
  const sessionIds = ['SESSION'];
  const withSession = (name: string, method: string, suffix: string, withBody: boolean): Target => ({
    name,
    arb: fc
      .record({
        method: methodArb(method),
        seg: segmentArb(sessionIds),
        headers: plainHeaders,
        body: withBody
          ? fc.oneof(
              fc
                .record({
                  number: mostly(
                    fc.constantFrom(...SANDBOX_CARDS),
                    cardArb.map((c) => String(c.value)),
                    hostileString,
                  ),
                  expiry: mostly(
                    fc.constant(`12/${FUTURE_YEAR.slice(2)}`),
                    fc.constantFrom('12/29', '13/29', '01/20', '', `12/${FUTURE_YEAR}`),
                    hostileString,
                  ),
                  cvv: mostly(fc.constant('123'), fc.constantFrom('', '1', '12345'), hostileString),
                  holder: mostly(
                    fc.constant('Jan Kowalski'),
                    fc.constantFrom('', 'Jan', 'J K'),
                    hostileString,
                  ),
                  another: fc.constantFrom('1', '0', ''),
                })
                .map((f) => ({
                  body: new URLSearchParams(f).toString() as string | Buffer,
                  contentType: 'application/x-www-form-urlencoded',
                  pans: [f.number.replace(/[\s-]/g, '')],
                })),
              formOrJson.map((f) => ({
                body: f.body as string | Buffer,
                contentType: f.contentType,
                pans: [] as string[],
              })),
            )
          : fc.constant(undefined),
      })
      .map((r) =>
        build({
          method: r.method,
          path: `/widget/session/${r.seg}${suffix}`,
          headers: { ...r.headers },
          body: r.body?.body,
          contentType: r.body?.contentType,
          pans: r.body?.pans.filter((p) => /^[0-9]{13,19}$/.test(p)),
        }),
      ),
  });
  return [
    page('GET /3ds/{id}', 'GET', (s) => `/3ds/${s}`, [fx.pendingSale, fx.settledSale]),
    {
      name: 'POST /3ds/{id}',
      arb: fc
        .record({
          method: methodArb('POST'),
          seg: threeDsIds,
          headers: plainHeaders,
          body: fc.option(formOrJson, { nil: undefined }),
        })
        .map((r) =>
          build({
            method: r.method,
            path: `/3ds/${r.seg}`,
            headers: { ...r.headers },
            body: r.body?.body,
            contentType: r.body?.contentType,
          }),
        ),
    },
    page('GET /health/*', 'GET', (s) => `/health/${s}`, ['ready', 'live']),
    page(
      'GET /openapi.json, /docs',
      'GET',
      (s) => (s.length % 2 === 0 ? `/docs/${s}` : `/openapi.json${s === 'x' ? '' : '/' + s}`),
      ['x', 'static/index.html', 'json'],
    ),
    page(
      'GET /js/widget.min.js, /widget/assets/{file}',
      'GET',
      (s) => (s === 'widget.min.js' ? '/js/widget.min.js' : `/widget/assets/${s}`),
      ['widget.min.js', 'form.css', 'form.js'],
    ),
    page('GET /demo, /demo/done', 'GET', (s) => (s === 'demo' ? '/demo' : `/demo/${s}`), ['demo', 'done']),
    page('GET /dashboard/* (signed out)', 'GET', (s) => (s === 'root' ? '/dashboard' : `/dashboard/${s}`), [
      'root',
      'sign-in',
      'transactions',
      `transactions/${fx.settledSale}`,
      'profiles',
      'inbox',
      'requests',
    ]),
    page(
      'POST /dashboard/sign-in and its forms',
      'POST',
      (s) => `/dashboard/${s}`,
      ['sign-in', 'sign-out'],
      true,
    ),
    page(
      'GET /admin/notifications[/{id}]',
      'GET',
      (s) => (s === 'list' ? '/admin/notifications' : `/admin/notifications/${s}`),
      ['list', fx.notificationId],
      false,
      true,
    ),
    page(
      'POST /admin/notifications/{id}/resend',
      'POST',
      (s) => `/admin/notifications/${s}/resend`,
      [fx.notificationId],
      true,
      true,
    ),
    {
      name: 'POST /widget/session',
      arb: fc
        .record({
          method: methodArb('POST'),
          headers: plainHeaders,
          body: fc.oneof(
            {
              arbitrary: widgetAttrs.map((b) => ({
                body: b as string | Buffer,
                contentType: 'application/x-www-form-urlencoded',
              })),
              weight: 3,
            },
            {
              arbitrary: formOrJson.map((f) => ({
                body: f.body as string | Buffer,
                contentType: f.contentType,
              })),
              weight: 1,
            },
          ),
        })
        .map((r) =>
          build({
            method: r.method,
            path: '/widget/session',
            headers: { ...r.headers },
            body: r.body.body,
            contentType: r.body.contentType,
          }),
        ),
    },
    withSession('GET /widget/session/{id}', 'GET', '', false),
    withSession('POST /widget/session/{id}/pay', 'POST', '/pay', true),
    withSession('POST /widget/session/{id}/saved', 'POST', '/saved', true),
    withSession('POST /widget/session/{id}/cancel', 'POST', '/cancel', true),
    withSession('GET /widget/session/{id}/result', 'GET', '/result', false),
  ];
}

/** Anything at all: any method, any path (API-shaped or not), any headers and body. */
export function anythingTarget(fx: Fixture): Target {
  const segment = segmentArb([
    fx.a.merchantId,
    'v1',
    'merchant',
    'transaction',
    'profile',
    fx.settledSale,
    'widget',
    '3ds',
  ]);
  return {
    name: 'any method, path, headers and body',
    arb: fc
      .record({
        method: fc.constantFrom(
          'GET',
          'POST',
          'PUT',
          'PATCH',
          'DELETE',
          'OPTIONS',
          'HEAD',
          'TRACE',
          'PROPFIND',
          'MKCOL',
          'ACL',
          'SUBSCRIBE',
        ),
        segments: fc.array(segment, { minLength: 0, maxLength: 8 }),
        prefix: fc.constantFrom(
          '/',
          '/v1/merchant/',
          `/v1/merchant/${fx.a.merchantId}/`,
          '//',
          '/./',
          '/%2e%2e/',
          '/..;/',
          '/paywall/link/',
          '/payment/',
          '/kartoteka/',
          '/assets/',
        ),
        query: queryArb,
        headers: headerArb([fx.a.token, fx.b.token]),
        body: fc.option(
          fc.oneof(
            hostileBodyText.map((t) => t as string | Buffer),
            invalidUtf8.map((b) => b as string | Buffer),
          ),
          { nil: undefined },
        ),
      })
      .map((r) =>
        build({
          method: r.method,
          path: r.prefix + r.segments.join('/') + r.query,
          headers: r.headers.set,
          body: r.body,
        }),
      ),
  };
}

/** A placeholder segment replaced with a live widget session id at request time. */
export async function resolveSession(req: FuzzRequest, fx: Fixture): Promise<FuzzRequest> {
  if (!req.path.includes('/widget/session/SESSION')) return req;
  const id = await fx.widgetSession();
  return { ...req, path: req.path.replace('/widget/session/SESSION', `/widget/session/${id}`) };
}

export { Raw, Entries, objectOf };
