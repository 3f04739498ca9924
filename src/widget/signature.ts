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

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' };

/** Constant-time comparison of the shop's signature with the one we compute. */
export function verifyWidgetSignature(
  attrs: Readonly<Record<string, string | undefined>>,
  signature: string | undefined,
  serviceKey: string,
): SignatureCheck {
  if (!signature) return { ok: false, reason: 'missing' };
  const match = /^([0-9a-fA-F]+);(sha224|sha256|sha384|sha512)$/.exec(signature.trim());
  if (!match) return { ok: false, reason: 'malformed' };
  const algorithm = match[2] as SignatureAlgorithm;
  const given = Buffer.from(match[1]!.toLowerCase(), 'utf8');
  const expected = Buffer.from(signWidget(attrs, serviceKey, algorithm).split(';')[0]!, 'utf8');
  if (given.length !== expected.length) return { ok: false, reason: 'mismatch' };
  return timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
