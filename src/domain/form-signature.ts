import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * imoje's signature over a form of named string values (the widget's `data-*` attributes, the paywall form):
 * the signed names present, sorted ascending, `key=value` joined with `&`, no URL-encoding, followed directly
 * by the service key, hashed; sent as `hex;algorithm`. Each caller names which fields are signed.
 */
export const SIGNATURE_ALGORITHMS = ['sha224', 'sha256', 'sha384', 'sha512'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

type Values = Readonly<Record<string, string | undefined>>;

export function signingInput(signed: readonly string[], values: Values, serviceKey: string): string {
  const keys = signed.filter((k) => values[k] !== undefined).sort();
  return keys.map((k) => `${k}=${values[k]}`).join('&') + serviceKey;
}

export function signForm(
  signed: readonly string[],
  values: Values,
  serviceKey: string,
  algorithm: SignatureAlgorithm = 'sha256',
): string {
  const hex = createHash(algorithm)
    .update(signingInput(signed, values, serviceKey), 'utf8')
    .digest('hex');
  return `${hex};${algorithm}`;
}

/**
 * The signing string is not escaped, so `urlSuccess=https://s/ok&validTo=1` reads the same as `urlSuccess`
 * followed by a separate `validTo`: whoever sees a signed form could move a field into its neighbour
 * (dropping `validTo` revives an expired one) and keep the signature valid. A signed value holding
 * `&<signed name>=` is therefore refused; ordinary query strings (`?wc-api=x&order=1`) are fine.
 */
export function ambiguousValue<K extends string>(
  signed: readonly K[],
  values: Values,
): { attribute: K; contains: K } | undefined {
  for (const attribute of signed) {
    const value = values[attribute];
    if (value === undefined || !value.includes('&')) continue;
    const contains = signed.find((name) => value.includes(`&${name}=`));
    if (contains) return { attribute, contains };
  }
  return undefined;
}

export type SignatureCheck<K extends string = string> =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' }
  | { ok: false; reason: 'ambiguous'; attribute: K; contains: K };

/** Constant-time comparison of the shop's signature with the one we compute. */
export function verifyFormSignature<K extends string>(
  signed: readonly K[],
  values: Values,
  signature: string | undefined,
  serviceKey: string,
): SignatureCheck<K> {
  if (!signature) return { ok: false, reason: 'missing' };
  const match = /^([0-9a-fA-F]+);(sha224|sha256|sha384|sha512)$/.exec(signature.trim());
  if (!match) return { ok: false, reason: 'malformed' };
  const ambiguous = ambiguousValue(signed, values);
  if (ambiguous) return { ok: false, reason: 'ambiguous', ...ambiguous };
  const algorithm = match[2] as SignatureAlgorithm;
  const given = Buffer.from(match[1]!.toLowerCase(), 'utf8');
  const expected = Buffer.from(signForm(signed, values, serviceKey, algorithm).split(';')[0]!, 'utf8');
  if (given.length !== expected.length) return { ok: false, reason: 'mismatch' };
  return timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
