import { createHash, timingSafeEqual } from 'node:crypto';

/** The fields of imoje's paywall form (`POST`/`GET {paywall}/payment`) that the signature covers when sent. */
export const PAYWALL_FIELDS = [
  'serviceId',
  'merchantId',
  'amount',
  'currency',
  'orderId',
  'customerFirstName',
  'customerLastName',
  'customerEmail',
  'customerPhone',
  'orderDescription',
  'additionalDescription',
  'urlSuccess',
  'urlFailure',
  'urlReturn',
  'urlNotification',
  'visibleMethod',
  'validTo',
  'preselectMethodCode',
  'cid',
  'customerId',
  'locale',
] as const;
export type PaywallField = (typeof PAYWALL_FIELDS)[number];
export type PaywallForm = Partial<Record<PaywallField, string>>;

type Algorithm = 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Copies only the known fields, as strings (a form or query may carry anything). */
export function pickPaywallForm(source: unknown): { form: PaywallForm; signature: string | undefined } {
  const form: PaywallForm = {};
  let signature: string | undefined;
  if (!source || typeof source !== 'object') return { form, signature };
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (typeof value !== 'string') continue;
    if (key === 'signature') signature = value;
    else if ((PAYWALL_FIELDS as readonly string[]).includes(key)) form[key as PaywallField] = value;
  }
  return { form, signature };
}

/** As for the widget: sent fields sorted by name, `key=value` joined by `&`, then the service key, hashed. */
export function paywallSigningInput(form: PaywallForm, serviceKey: string): string {
  const keys = PAYWALL_FIELDS.filter((k) => form[k] !== undefined).sort();
  return keys.map((k) => `${k}=${form[k]}`).join('&') + serviceKey;
}

export function signPaywall(form: PaywallForm, serviceKey: string, algorithm: Algorithm = 'sha256'): string {
  const hex = createHash(algorithm).update(paywallSigningInput(form, serviceKey), 'utf8').digest('hex');
  return `${hex};${algorithm}`;
}

/**
 * Constant-time check. A value holding `&<field>=` is refused, as for the widget: the unescaped signing string
 * could otherwise move a field into its neighbour and keep the signature valid.
 */
export function verifyPaywallSignature(
  form: PaywallForm,
  signature: string | undefined,
  serviceKey: string,
): 'ok' | 'missing' | 'malformed' | 'ambiguous' | 'mismatch' {
  if (!signature) return 'missing';
  const match = /^([0-9a-fA-F]+);(sha224|sha256|sha384|sha512)$/.exec(signature.trim());
  if (!match) return 'malformed';
  for (const value of Object.values(form)) {
    if (value.includes('&') && PAYWALL_FIELDS.some((f) => value.includes(`&${f}=`))) return 'ambiguous';
  }
  const given = Buffer.from(match[1]!.toLowerCase(), 'utf8');
  const expected = Buffer.from(signPaywall(form, serviceKey, match[2] as Algorithm).split(';')[0]!, 'utf8');
  if (given.length !== expected.length) return 'mismatch';
  return timingSafeEqual(given, expected) ? 'ok' : 'mismatch';
}
