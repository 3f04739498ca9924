/**
 * The character and length rules of the fields a shop sends about an order and its payer, defined once: the API's
 * schemas (`src/http/schemas/`) are built from these constants, and the widget's attribute check (and the paywall)
 * call `checkField` with the same rules, so a value one entry point accepts the others accept too, and a refusal
 * reads the same everywhere (imoje-api.md §1).
 */

export interface FieldRule {
  /** A JSON Schema (ECMAScript, `u` flag) pattern; also what the OpenAPI document shows. */
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength: number;
  /** The message for a value that does not match `pattern`. The API answers it in `errors[].message` too. */
  readonly patternMessage?: string;
}

export const ORDER_ID_RULE = {
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9#_\\-\\.\\\\/ \\u00C0-\\u02C0]+$',
  patternMessage: 'may contain only letters, digits, spaces and # _ - . / \\',
} as const satisfies FieldRule;

/** A transaction's `title` (the widget's `data-order-description`); empty is allowed. */
export const TITLE_RULE = {
  maxLength: 255,
  pattern: '^[A-Za-z0-9#&_\\-,\\.\\\\/ \\u00C0-\\u02C0"\']*$',
  patternMessage: 'may contain only letters, digits, spaces and # & _ - , . / \\ " \'',
} as const satisfies FieldRule;

/**
 * The payer id (`cid`): what a cid may be anywhere in Kartoteka — up to 36 letters, digits, `-` and `_`
 * (imoje-api.md §1: "`^[A-Za-z0-9\x2D]+$` on the API; the widget also allows `_`"). The widget's
 * `data-customer-id` and the paywall form take it, and so does every route that looks a cid up
 * (`GET /profile/cid/{cid}`, the transaction list's `cid` filter), so a payer the widget
 * registered as `w_cid_1` can be found on the API.
 */
export const CID_RULE = {
  minLength: 1,
  maxLength: 36,
  pattern: '^[A-Za-z0-9_\\x2D]+$',
  patternMessage: 'may contain only letters, digits, - and _',
} as const satisfies FieldRule;

/**
 * A cid a shop *sends* in an API body (`customer.cid` of `POST /transaction` and `POST /payment`): imoje's API
 * refuses the `_` its widget allows (imoje-api.md §1), so Kartoteka does too. Only the character set differs
 * from {@link CID_RULE}.
 */
export const API_CID_RULE = {
  ...CID_RULE,
  pattern: '^[A-Za-z0-9\\x2D]+$',
  patternMessage: 'may contain only letters, digits and -',
} as const satisfies FieldRule;

/** `customer.firstName` / `lastName`, also the card holder's names. */
export const PERSON_NAME_RULE = { minLength: 1, maxLength: 100 } as const satisfies FieldRule;

export const EMAIL_RULE = {
  minLength: 3,
  maxLength: 200,
  pattern: '^[^@\\s]+@[^@\\s]+$',
  patternMessage: 'must be an e-mail address',
} as const satisfies FieldRule;

export const PHONE_RULE = {
  maxLength: 20,
  pattern: '^[0-9\\+\\- ]+$',
  patternMessage: 'may contain only digits, spaces, + and -',
} as const satisfies FieldRule;

/** Return and notification URLs. */
export const URL_RULE = {
  maxLength: 300,
  pattern: '^https?://[^\\s]+$',
  patternMessage: 'must be an absolute http(s) URL',
} as const satisfies FieldRule;

export const FIELD_RULES = {
  orderId: ORDER_ID_RULE,
  title: TITLE_RULE,
  cid: CID_RULE,
  apiCid: API_CID_RULE,
  personName: PERSON_NAME_RULE,
  email: EMAIL_RULE,
  phone: PHONE_RULE,
  url: URL_RULE,
} as const;

const compiled = new Map<string, RegExp>();

/** JSON Schema validators (AJV) compile patterns with the `u` flag; so do we, so both read them alike. */
function regexOf(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u');
    compiled.set(pattern, re);
  }
  return re;
}

/**
 * Checks `value` against `rule`: `null` when it passes, else the reason. Length messages are worded as the
 * API's schema validation words them, so the widget, the paywall and the API say the same thing.
 */
export function checkField(rule: FieldRule, value: string): string | null {
  // JSON Schema counts code points, not UTF-16 units.
  const length = [...value].length;
  if (rule.minLength !== undefined && length < rule.minLength) {
    return `must NOT have fewer than ${rule.minLength} characters`;
  }
  if (length > rule.maxLength) return `must NOT have more than ${rule.maxLength} characters`;
  if (rule.pattern !== undefined && !regexOf(rule.pattern).test(value)) {
    return rule.patternMessage ?? `must match pattern "${rule.pattern}"`;
  }
  return null;
}

/** The rule's own message for a schema `pattern` failure (the API's error handler words its answer with it). */
export function patternMessage(pattern: string): string | undefined {
  for (const rule of Object.values(FIELD_RULES) as FieldRule[]) {
    if (rule.pattern === pattern) return rule.patternMessage;
  }
  return undefined;
}
