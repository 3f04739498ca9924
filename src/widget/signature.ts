import { createHash, timingSafeEqual } from 'node:crypto';

/** imoje-api.md §7: attributes the shop must sign. */
export const REQUIRED_SIGNED = [
  'merchantId',
  'serviceId',
  'amount',
  'currency',
  'orderId',
  'customerId',
  'customerFirstName',
  'customerLastName',
  'customerEmail',
] as const;

/** Signed when present. */
export const OPTIONAL_SIGNED = [
  'customerPhone',
  'orderDescription',
  'urlSuccess',
  'urlFailure',
  'urlReturn',
  'urlCancel',
  'widgetType',
  'validTo',
] as const;

/** Display-only attributes: never part of the signature, so a shop may change them freely. */
export const UNSIGNED = ['locale', 'inline', 'elementId', 'elementEvent'] as const;

export type SignedKey = (typeof REQUIRED_SIGNED)[number] | (typeof OPTIONAL_SIGNED)[number];
export const SIGNED_KEYS: readonly SignedKey[] = [...REQUIRED_SIGNED, ...OPTIONAL_SIGNED];

export const SIGNATURE_ALGORITHMS = ['sha224', 'sha256', 'sha384', 'sha512'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/**
 * The string that is hashed: signed keys present in `attrs`, sorted ascending, `key=value` joined with `&`,
 * no URL-encoding, followed directly by the service key. Unknown and display-only keys are left out, so the
 * gateway and the shop agree on exactly what was signed.
 */
export function signingInput(
  attrs: Readonly<Record<string, string | undefined>>,
  serviceKey: string,
): string {
  const keys = SIGNED_KEYS.filter((k) => attrs[k] !== undefined).sort();
  return keys.map((k) => `${k}=${attrs[k]}`).join('&') + serviceKey;
}

/** `hex;sha256` — what a shop puts in `data-signature`. */
export function signWidget(
  attrs: Readonly<Record<string, string | undefined>>,
  serviceKey: string,
  algorithm: SignatureAlgorithm = 'sha256',
): string {
  const hex = createHash(algorithm).update(signingInput(attrs, serviceKey), 'utf8').digest('hex');
  return `${hex};${algorithm}`;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' }
  | { ok: false; reason: 'ambiguous'; attribute: SignedKey; contains: SignedKey };

/**
 * The signing string is not escaped, so `urlSuccess=https://s/ok&validTo=1` reads the same as `urlSuccess`
 * followed by a separate `validTo`: whoever sees a signed widget could move an attribute into its neighbour
 * (dropping `data-valid-to` revives an expired widget) and keep the signature valid. A signed value holding
 * `&<signed attribute name>=` is therefore refused; ordinary query strings (`?wc-api=x&order=1`) are fine.
 */
export function ambiguousValue(
  attrs: Readonly<Record<string, string | undefined>>,
): { attribute: SignedKey; contains: SignedKey } | undefined {
  for (const attribute of SIGNED_KEYS) {
    const value = attrs[attribute];
    if (value === undefined || !value.includes('&')) continue;
    const contains = SIGNED_KEYS.find((name) => value.includes(`&${name}=`));
    if (contains) return { attribute, contains };
  }
  return undefined;
}

/** Constant-time comparison of the shop's signature with the one we compute. */
export function verifyWidgetSignature(
  attrs: Readonly<Record<string, string | undefined>>,
  signature: string | undefined,
  serviceKey: string,
): SignatureCheck {
  if (!signature) return { ok: false, reason: 'missing' };
  const match = /^([0-9a-fA-F]+);(sha224|sha256|sha384|sha512)$/.exec(signature.trim());
  if (!match) return { ok: false, reason: 'malformed' };
  const ambiguous = ambiguousValue(attrs);
  if (ambiguous) return { ok: false, reason: 'ambiguous', ...ambiguous };
  const algorithm = match[2] as SignatureAlgorithm;
  const given = Buffer.from(match[1]!.toLowerCase(), 'utf8');
  const expected = Buffer.from(signWidget(attrs, serviceKey, algorithm).split(';')[0]!, 'utf8');
  if (given.length !== expected.length) return { ok: false, reason: 'mismatch' };
  return timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
