import { cardNumberIn } from '../domain/mask-card-numbers.js';
import {
  agreementFromFields,
  declaresAgreement,
  validateAgreement,
  type AgreementTerms,
} from '../domain/agreement.js';
import { CURRENCIES, MAX_AMOUNT, MIN_AMOUNT, type Currency } from '../domain/money.js';
import { isUuidV4 } from '../domain/ids.js';
import {
  checkField,
  CID_RULE,
  EMAIL_RULE,
  ORDER_ID_RULE,
  PERSON_NAME_RULE,
  PHONE_RULE,
  TITLE_RULE,
  URL_RULE,
  type FieldRule,
} from '../domain/field-rules.js';
import { REQUIRED_SIGNED, SIGNED_KEYS, UNSIGNED, type OPTIONAL_SIGNED, type SignedKey } from './signature.js';

export const WIDGET_TYPES = ['oneclick', 'recurring', 'ecom3ds'] as const;
export type WidgetType = (typeof WIDGET_TYPES)[number];
export type Locale = 'pl' | 'en';

/** The widget's attributes after validation, in the shape the payment needs. */
export interface WidgetAttributes {
  merchantId: string;
  serviceId: string;
  amount: number;
  currency: Currency;
  orderId: string;
  customerId: string;
  customerFirstName: string;
  customerLastName: string;
  customerEmail: string;
  customerPhone: string | null;
  orderDescription: string;
  urlSuccess: string | null;
  urlFailure: string | null;
  urlReturn: string | null;
  urlCancel: string | null;
  widgetType: WidgetType;
  /** Epoch milliseconds after which the signed attributes no longer start a payment. */
  validTo: number | null;
  locale: Locale;
  inline: boolean;
  /** The recurring agreement the signed `data-agreement-*` attributes declare (recurring widgets only). */
  agreement?: AgreementTerms | null;
  /** Set by the paywall (src/paywall/): where this payment's notifications go instead of the shop's default. */
  notificationUrl?: string | null;
  /**
   * Set by the paywall: the form is the whole page, not an iframe, so the result sends the browser back to the
   * shop's URL (as imoje's paywall does) instead of telling a parent page.
   */
  topLevel?: boolean;
}

export interface AttributeProblem {
  attribute: string;
  message: string;
  /** `missing` when a required attribute is absent, else `malformed`: the page's headline depends on it. */
  kind: 'missing' | 'malformed';
}

/** The raw values the widget script sent, keyed as camelCase (`data-order-id` → `orderId`). */
export type RawAttributes = Record<string, string | undefined>;

const KNOWN = new Set<string>([...SIGNED_KEYS, ...UNSIGNED, 'signature']);

/** Copies only the attributes we know, as own string properties (a form body may carry anything). */
export function pickAttributes(body: unknown): RawAttributes {
  const out: RawAttributes = {};
  if (!body || typeof body !== 'object') return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (KNOWN.has(key) && typeof value === 'string') out[key] = value;
  }
  return out;
}

/** The attributes as `data-…` names, for messages a shop developer reads. */
export function dataName(key: string): string {
  return 'data-' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

export function localeOf(raw: RawAttributes): Locale {
  const l = (raw.locale ?? 'pl').toLowerCase();
  return l.startsWith('en') ? 'en' : l.startsWith('pl') ? 'pl' : 'en';
}

/** Parses `validTo`: unix seconds, or an ISO 8601 date-time. */
function parseValidTo(value: string): number | null {
  if (/^[0-9]{1,12}$/.test(value)) return Number(value) * 1000;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Where an agreement problem (`agreement.interval.unit`) points: its `data-agreement-…` attribute. */
const AGREEMENT_ATTRIBUTE: Record<string, string> = {
  amount: 'agreementAmount',
  maxAmount: 'agreementMaxAmount',
  currency: 'agreementCurrency',
  interval: 'agreementIntervalUnit',
  'interval.unit': 'agreementIntervalUnit',
  'interval.count': 'agreementIntervalCount',
  minDays: 'agreementMinDays',
  startAt: 'agreementStartAt',
  expiresAt: 'agreementExpiresAt',
  maxCycles: 'agreementMaxCycles',
};

export interface ParseOptions {
  /** The gateway's time: an agreement that already expired is refused. */
  now?: number;
  /** The shop makes agreements mandatory for recurring registrations. */
  agreementRequired?: boolean;
}

/**
 * Checks presence, shapes and limits. Runs after the signature check, so every problem reported here is the
 * shop's integration mistake, not tampering.
 */
export function parseAttributes(
  raw: RawAttributes,
  options: ParseOptions = {},
): { ok: true; attrs: WidgetAttributes } | { ok: false; problems: AttributeProblem[] } {
  const problems: AttributeProblem[] = [];
  const bad = (key: string, message: string) =>
    problems.push({ attribute: dataName(key), message, kind: 'malformed' });
  for (const key of REQUIRED_SIGNED) {
    if (!raw[key]) problems.push({ attribute: dataName(key), message: 'is required', kind: 'missing' });
  }
  const v = (key: SignedKey): string => raw[key] ?? '';
  const opt = (key: (typeof OPTIONAL_SIGNED)[number]): string | null => {
    const value = raw[key];
    return value === undefined || value === '' ? null : value;
  };

  // The shop signed these values, so none can be masked: a card number in one (a payer's input passed on into a
  // name or the description) refuses the page, and it is never stored or shown.
  for (const [key, value] of Object.entries(raw)) {
    if (key !== 'signature' && value && cardNumberIn(value)) {
      bad(key, 'looks like a card number: card numbers are typed into the card form only');
    }
  }
  if (raw.merchantId && !/^[a-z0-9]{1,64}$/.test(v('merchantId'))) bad('merchantId', 'is malformed');
  if (raw.serviceId && !isUuidV4(v('serviceId'))) bad('serviceId', 'must be the shop’s service id (UUID)');
  const amount = /^[0-9]{1,10}$/.test(v('amount')) ? Number(v('amount')) : NaN;
  if (raw.amount && !(amount >= MIN_AMOUNT && amount <= MAX_AMOUNT)) {
    bad('amount', 'must be a whole number of minor units (grosze), at least 1');
  }
  if (raw.currency && !(CURRENCIES as readonly string[]).includes(v('currency'))) {
    bad('currency', `must be one of ${CURRENCIES.join(', ')}`);
  }
  // The API's own rules (domain/field-rules.ts), so the widget never pays what the API would refuse.
  const rule = (key: SignedKey, r: FieldRule, value: string) => {
    const problem = checkField(r, value);
    if (problem !== null) bad(key, problem);
  };
  if (raw.orderId) rule('orderId', ORDER_ID_RULE, v('orderId'));
  if (raw.customerId) rule('customerId', CID_RULE, v('customerId'));
  for (const key of ['customerFirstName', 'customerLastName'] as const) {
    if (raw[key]) rule(key, PERSON_NAME_RULE, v(key));
  }
  if (raw.customerEmail) rule('customerEmail', EMAIL_RULE, v('customerEmail'));
  const phone = opt('customerPhone');
  if (phone !== null) rule('customerPhone', PHONE_RULE, phone);
  const description = opt('orderDescription') ?? '';
  rule('orderDescription', TITLE_RULE, description);
  for (const key of ['urlSuccess', 'urlFailure', 'urlReturn', 'urlCancel'] as const) {
    const url = opt(key);
    if (url !== null) rule(key, URL_RULE, url);
  }
  const widgetType = (opt('widgetType') ?? 'oneclick') as WidgetType;
  if (!WIDGET_TYPES.includes(widgetType)) bad('widgetType', `must be one of ${WIDGET_TYPES.join(', ')}`);
  const validToRaw = opt('validTo');
  const validTo = validToRaw === null ? null : parseValidTo(validToRaw);
  if (validToRaw !== null && validTo === null) bad('validTo', 'must be unix seconds or an ISO 8601 date');
  let agreement: AgreementTerms | null = null;
  if (declaresAgreement(raw)) {
    if (widgetType !== 'recurring') {
      bad('agreementAmount', 'the data-agreement-* attributes apply only to data-widget-type="recurring"');
    } else {
      const checked = validateAgreement(agreementFromFields(raw, v('currency')), options.now ?? 0, '');
      if (checked.ok) agreement = checked.terms;
      else {
        for (const e of checked.errors) {
          const key = e.property.replace(/^\./, '');
          const message = e.message.replace(/\.$/, '');
          bad(AGREEMENT_ATTRIBUTE[key] ?? 'agreementAmount', message[0]!.toLowerCase() + message.slice(1));
        }
      }
    }
  } else if (widgetType === 'recurring' && options.agreementRequired) {
    problems.push({
      attribute: dataName('agreementAmount'),
      message: 'or data-agreement-max-amount is required: this shop requires a recurring agreement',
      kind: 'missing',
    });
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    attrs: {
      merchantId: v('merchantId'),
      serviceId: v('serviceId'),
      amount,
      currency: v('currency') as Currency,
      orderId: v('orderId'),
      customerId: v('customerId'),
      customerFirstName: v('customerFirstName'),
      customerLastName: v('customerLastName'),
      customerEmail: v('customerEmail'),
      customerPhone: phone,
      orderDescription: description,
      urlSuccess: opt('urlSuccess'),
      urlFailure: opt('urlFailure'),
      urlReturn: opt('urlReturn'),
      urlCancel: opt('urlCancel'),
      widgetType,
      validTo,
      locale: localeOf(raw),
      inline: raw.inline === 'true',
      agreement,
    },
  };
}
