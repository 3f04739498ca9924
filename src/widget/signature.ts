import { AGREEMENT_FIELDS } from '../domain/agreement.js';
import {
  ambiguousValue as ambiguousFormValue,
  signForm,
  signingInput as formSigningInput,
  verifyFormSignature,
  type SignatureAlgorithm,
  type SignatureCheck,
} from '../domain/form-signature.js';

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

/** Signed when present; the `agreement…` ones are Kartoteka's recurring agreement (issue 15). */
export const OPTIONAL_SIGNED = [
  'customerPhone',
  'orderDescription',
  'urlSuccess',
  'urlFailure',
  'urlReturn',
  'urlCancel',
  'widgetType',
  'validTo',
  ...AGREEMENT_FIELDS,
] as const;

/** Display-only attributes: never part of the signature, so a shop may change them freely. */
export const UNSIGNED = ['locale', 'inline', 'elementId', 'elementEvent'] as const;

export type SignedKey = (typeof REQUIRED_SIGNED)[number] | (typeof OPTIONAL_SIGNED)[number];
export const SIGNED_KEYS: readonly SignedKey[] = [...REQUIRED_SIGNED, ...OPTIONAL_SIGNED];

export { SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from '../domain/form-signature.js';

/** The widget's signing string (see `domain/form-signature.ts`): unknown and display-only keys are left out. */
export function signingInput(
  attrs: Readonly<Record<string, string | undefined>>,
  serviceKey: string,
): string {
  return formSigningInput(SIGNED_KEYS, attrs, serviceKey);
}

/** `hex;sha256` — what a shop puts in `data-signature`. */
export function signWidget(
  attrs: Readonly<Record<string, string | undefined>>,
  serviceKey: string,
  algorithm: SignatureAlgorithm = 'sha256',
): string {
  return signForm(SIGNED_KEYS, attrs, serviceKey, algorithm);
}

export function ambiguousValue(
  attrs: Readonly<Record<string, string | undefined>>,
): { attribute: SignedKey; contains: SignedKey } | undefined {
  return ambiguousFormValue(SIGNED_KEYS, attrs);
}

export function verifyWidgetSignature(
  attrs: Readonly<Record<string, string | undefined>>,
  signature: string | undefined,
  serviceKey: string,
): SignatureCheck<SignedKey> {
  return verifyFormSignature(SIGNED_KEYS, attrs, signature, serviceKey);
}
