import { agreementInputOf } from '../domain/agreement.js';
import { validateCardFields } from '../domain/card.js';
import { DomainError } from '../domain/domain-error.js';
import type { PaymentProfile } from '../domain/profile.js';
import type { Transaction } from '../domain/transaction.js';
import { createCardTransaction } from '../payments/create-card-transaction.js';
import { debitProfile } from '../payments/debit-profile.js';
import type { PaymentsDeps } from '../payments/deps.js';
import type { CardInput } from '../payments/inputs.js';
import { listProfilesByCid } from '../payments/profiles.js';
import { OrderTakenError, widgetOrderState, type WidgetOrderKey } from '../payments/widget-order.js';
import type { WidgetAttributes } from './attributes.js';
import { messages } from './messages.js';
import type { FormErrors } from './pages.js';
import type { WidgetSession } from './sessions.js';

export type PayResult =
  | { kind: 'redirect'; url: string }
  | { kind: 'form'; errors: FormErrors; another: boolean }
  | { kind: 'paid' };

/** The signed order this opening pays (issue 12: one successful payment per signed order). */
export function orderOf(a: WidgetAttributes): WidgetOrderKey {
  return { serviceId: a.serviceId, orderId: a.orderId, amount: a.amount, currency: a.currency };
}

/** Whether this opening's order was paid already (by any opening, on any instance). */
export async function alreadyPaid(deps: PaymentsDeps, attrs: WidgetAttributes): Promise<boolean> {
  return (await widgetOrderState(deps, orderOf(attrs))) === 'paid';
}

/** Another payment holds or paid the order: say so; nothing was stored or charged. */
function taken(session: WidgetSession, err: OrderTakenError, another: boolean): PayResult {
  if (err.state === 'paid') return { kind: 'paid' };
  return { kind: 'form', errors: { alert: messages(session.attrs.locale).inProgress }, another };
}

export function resultUrl(deps: PaymentsDeps, session: WidgetSession): string {
  return `${deps.publicUrl()}/widget/session/${session.id}/result`;
}

/** The payer's active ONE_CLICK profile, offered as "pay with the saved card" on oneclick widgets. */
export async function savedCard(
  deps: PaymentsDeps,
  session: WidgetSession,
): Promise<PaymentProfile | undefined> {
  if (session.attrs.widgetType !== 'oneclick') return undefined;
  const profiles = await listProfilesByCid(deps, session.attrs.merchantId, session.attrs.customerId);
  return profiles.find((p) => p.isActive && p.type === 'ONE_CLICK');
}

interface CardFields {
  number: string;
  expiry: string;
  cvv: string;
  holder: string;
}

function str(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  return typeof v === 'string' ? v : '';
}

/** "12/29", "12 / 2029", "1229" → month "12", year "2029". */
export function parseExpiry(value: string): { month: string; year: string } | null {
  const m = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(value);
  if (!m) return null;
  const month = m[1]!.padStart(2, '0');
  const year = m[2]!.length === 2 ? `20${m[2]}` : m[2]!;
  return { month, year };
}

/** "Jan Maria Kowalski" → first "Jan Maria", last "Kowalski"; a single word fills both (the API needs both). */
export function splitHolder(holder: string): { firstName: string; lastName: string } | null {
  const words = holder.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  const lastName = words.length > 1 ? words.pop()! : words[0]!;
  return { firstName: words.join(' ').slice(0, 100), lastName: lastName.slice(0, 100) };
}

/**
 * Checks the posted card fields the way the form's script does, so the form also works without JavaScript.
 * Returns the card or the per-field messages.
 */
function readCard(
  fields: CardFields,
  session: WidgetSession,
  now: Date,
): { card: CardInput } | { errors: FormErrors } {
  const m = messages(session.attrs.locale);
  const fieldErrors: NonNullable<FormErrors['fields']> = {};
  const number = fields.number.replace(/[\s-]/g, '');
  const expiry = parseExpiry(fields.expiry);
  const holder = splitHolder(fields.holder);
  if (!expiry) fieldErrors.expiry = m.errExpiry;
  if (!holder) fieldErrors.holder = m.errHolder;
  const problems = validateCardFields(
    { number, month: expiry?.month ?? '01', year: expiry?.year ?? '2999', cvv: fields.cvv },
    now,
    { cvvRequired: true },
  );
  for (const p of problems) {
    if (p.property === 'card.number') fieldErrors.number = /Luhn/.test(p.message) ? m.errLuhn : m.errNumber;
    else if (p.property === 'card.cvv') fieldErrors.cvv = m.errCvv;
    else if (expiry) fieldErrors.expiry = /expired/.test(p.message) ? m.errExpired : m.errExpiry;
  }
  if (Object.keys(fieldErrors).length > 0 || !expiry || !holder) {
    return {
      errors: { alert: m.errorsFound, fields: fieldErrors, holder: fields.holder, expiry: fields.expiry },
    };
  }
  return { card: { number, month: expiry.month, year: expiry.year, cvv: fields.cvv, ...holder } };
}

/** A refusal the payer can act on is shown on the form; the card number is never sent back. */
function refusal(session: WidgetSession, err: DomainError, fields: CardFields): FormErrors {
  const m = messages(session.attrs.locale);
  const base = { holder: fields.holder, expiry: fields.expiry };
  if (err.key === 'cidBoundToAnotherCard') return { ...base, alert: m.cidConflict };
  if (err.key === 'invalidCard') return { ...base, alert: m.cardRejected };
  if (err.key === 'profileInactive' || err.key === 'profileNotFound') return { alert: m.tryAgain };
  return { ...base, alert: m.tryAgain };
}

/** What the payer's browser told about itself with the card form's request (its headers). */
export interface PayerHeaders {
  ip: string;
  userAgent?: string | undefined;
  accept?: string | undefined;
  acceptLanguage?: string | undefined;
}

/**
 * imoje's 3-D Secure 2 browser data (`additionalData.browser`) from the form's request: headers, and what the
 * form's script added (screen, time zone); a payer without JavaScript sends only the headers.
 */
function payerBrowser(
  body: Record<string, unknown>,
  h: PayerHeaders,
): Record<string, string | number | boolean> {
  const num = (name: string): number | undefined => {
    const v = Number(str(body, name));
    return str(body, name) !== '' && Number.isInteger(v) && Math.abs(v) < 100_000 ? v : undefined;
  };
  const js = str(body, 'browserScreenWidth') !== '';
  const out: Record<string, string | number | boolean | undefined> = {
    ip: h.ip,
    userAgent: h.userAgent?.slice(0, 2048),
    accept: h.accept?.slice(0, 2048),
    language: h.acceptLanguage?.split(',')[0]?.split(';')[0]?.trim().slice(0, 35) || undefined,
    jsEnabled: js,
    javaEnabled: false,
    timezoneOffset: num('browserTimezoneOffset'),
    screenWidth: num('browserScreenWidth'),
    screenHeight: num('browserScreenHeight'),
    screenColorDepth: num('browserColorDepth'),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean
  >;
}

/**
 * Pays with the card typed into the form. The widget type decides what is registered; "use another card"
 * next to a saved one pays once without saving (a cid holds one card, imoje-api.md §4).
 */
export async function payWithCard(
  deps: PaymentsDeps,
  session: WidgetSession,
  body: Record<string, unknown>,
  headers: PayerHeaders,
): Promise<PayResult> {
  const fields: CardFields = {
    number: str(body, 'number'),
    expiry: str(body, 'expiry'),
    cvv: str(body, 'cvv').trim(),
    holder: str(body, 'holder'),
  };
  const another = str(body, 'another') === '1';
  const read = readCard(fields, session, new Date(deps.clock.now()));
  if ('errors' in read) return { kind: 'form', errors: read.errors, another };
  const a = session.attrs;
  const back = resultUrl(deps, session);
  try {
    const created = await createCardTransaction(
      deps,
      a.merchantId,
      {
        serviceId: a.serviceId,
        amount: a.amount,
        currency: a.currency,
        orderId: a.orderId,
        title: a.orderDescription,
        paymentMethod: 'card',
        paymentMethodCode: another ? 'ecom3ds' : a.widgetType,
        successReturnUrl: back,
        failureReturnUrl: back,
        notificationUrl: a.notificationUrl ?? null,
        customer: {
          firstName: a.customerFirstName,
          lastName: a.customerLastName,
          email: a.customerEmail,
          cid: a.customerId,
          phone: a.customerPhone,
        },
        card: read.card,
        additionalData: { browser: payerBrowser(body, headers) },
        agreement: !another && a.agreement ? agreementInputOf(a.agreement) : null,
      },
      { oncePerOrder: true },
      'web',
    );
    session.transactionId = created.transaction.id;
    if (created.action) {
      session.state = 'challenge';
      session.challengeUrl = created.action.url;
      // The processor's own page (imoje upstream) can't open inside the iframe, nor be the end of the form's
      // redirect chain (form-action): the session page offers the way out instead.
      session.challengeOutside = !created.action.url.startsWith(`${deps.publicUrl()}/`);
      if (session.challengeOutside) {
        return { kind: 'redirect', url: `${deps.publicUrl()}/widget/session/${session.id}` };
      }
      return { kind: 'redirect', url: created.action.url };
    }
    session.state = 'done';
    return { kind: 'redirect', url: back };
  } catch (err) {
    if (err instanceof OrderTakenError) return taken(session, err, another);
    if (err instanceof DomainError) return { kind: 'form', errors: refusal(session, err, fields), another };
    throw err;
  }
}

/** The real one click: debits the saved profile, no card entry, no 3-D Secure (a customer-initiated debit). */
export async function payWithSavedCard(deps: PaymentsDeps, session: WidgetSession): Promise<PayResult> {
  const profile = await savedCard(deps, session);
  const m = messages(session.attrs.locale);
  if (!profile) return { kind: 'form', errors: { alert: m.tryAgain }, another: false };
  const a = session.attrs;
  try {
    const { transaction } = await debitProfile(
      deps,
      a.merchantId,
      {
        serviceId: a.serviceId,
        paymentProfileId: profile.id,
        amount: a.amount,
        currency: a.currency,
        orderId: a.orderId,
        title: a.orderDescription,
        notificationUrl: a.notificationUrl ?? null,
      },
      { oncePerOrder: true },
      'web',
    );
    session.transactionId = transaction.id;
    session.state = 'done';
    return { kind: 'redirect', url: resultUrl(deps, session) };
  } catch (err) {
    if (err instanceof OrderTakenError) return taken(session, err, false);
    if (err instanceof DomainError) return { kind: 'form', errors: { alert: m.tryAgain }, another: false };
    throw err;
  }
}

export type Outcome = 'success' | 'failure' | 'pending';

/**
 * A failure the payer can answer with another card in the same opening: a decline, a failed challenge, an
 * acquirer's error. Each releases the order's claim (payments/widget-order.ts), so nothing stops the retry.
 */
export function retryable(t: Transaction): boolean {
  return t.status === 'rejected' || t.status === 'error';
}

export function outcomeOf(t: Transaction): Outcome {
  if (t.status === 'settled' || t.status === 'authorized') return 'success';
  if (t.status === 'rejected' || t.status === 'error' || t.status === 'cancelled') return 'failure';
  return 'pending';
}
