import { AGREEMENT_FIELDS } from '../domain/agreement.js';
import {
  signForm,
  signingInput,
  verifyFormSignature,
  type SignatureAlgorithm,
} from '../domain/form-signature.js';

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
  // Kartoteka's recurring agreement (issue 15), signed like every other field.
  ...AGREEMENT_FIELDS,
] as const;
export type PaywallField = (typeof PAYWALL_FIELDS)[number];
export type PaywallForm = Partial<Record<PaywallField, string>>;

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

/** As for the widget (`domain/form-signature.ts`), over the paywall's fields. */
export function paywallSigningInput(form: PaywallForm, serviceKey: string): string {
  return signingInput(PAYWALL_FIELDS, form, serviceKey);
}

export function signPaywall(
  form: PaywallForm,
  serviceKey: string,
  algorithm: SignatureAlgorithm = 'sha256',
): string {
  return signForm(PAYWALL_FIELDS, form, serviceKey, algorithm);
}

/** Constant-time check; a value holding `&<field>=` is refused, as for the widget. */
export function verifyPaywallSignature(
  form: PaywallForm,
  signature: string | undefined,
  serviceKey: string,
): 'ok' | 'missing' | 'malformed' | 'ambiguous' | 'mismatch' {
  const check = verifyFormSignature(PAYWALL_FIELDS, form, signature, serviceKey);
  return check.ok ? 'ok' : check.reason;
}
