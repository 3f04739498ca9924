import { describeAgreement } from '../domain/agreement.js';
import type { PaymentProfile } from '../domain/profile.js';
import type { Locale } from './attributes.js';
import { esc, formatMoney, shell } from './html.js';
import { messages, type Messages } from './messages.js';
import type { WidgetSession } from './sessions.js';

/** What the form shows again after the server refused a submission (never the card number or CVV). */
export interface FormErrors {
  alert: string;
  fields?: Partial<Record<'number' | 'expiry' | 'cvv' | 'holder', string>>;
  holder?: string;
  expiry?: string;
}

function field(
  id: string,
  name: string,
  label: string,
  attrs: string,
  error: string | undefined,
  extra = '',
): string {
  const invalid = error ? ' aria-invalid="true"' : '';
  return `<div class="kw-field kw-field-${name}">
<label for="kw-${id}">${esc(label)}</label>
<div class="kw-input-row"><input id="kw-${id}" name="${name}" ${attrs}${invalid} aria-describedby="kw-${id}-err">${extra}</div>
<p id="kw-${id}-err" class="kw-err" aria-live="polite">${esc(error ?? '')}</p>
</div>`;
}

function cardForm(
  session: WidgetSession,
  m: Messages,
  errors: FormErrors | undefined,
  another: boolean,
): string {
  const a = session.attrs;
  const f = errors?.fields ?? {};
  const holder = errors?.holder ?? `${a.customerFirstName} ${a.customerLastName}`;
  const note = another
    ? m.anotherCardNote
    : a.widgetType === 'oneclick'
      ? m.registerNote
      : a.widgetType === 'recurring'
        ? a.agreement
          ? m.agreementNote
          : m.recurringNote
        : '';
  const msgs: Array<[string, string]> = [
    ['number', m.errNumber],
    ['luhn', m.errLuhn],
    ['expiry', m.errExpiry],
    ['expired', m.errExpired],
    ['cvv', m.errCvv],
    ['holder', m.errHolder],
    ['errors', m.errorsFound],
    ['processing', m.processing],
  ];
  return `<form id="kw-card" class="kw-card" method="post" action="/widget/session/${esc(session.id)}/pay" novalidate${msgs
    .map(([k, v]) => ` data-msg-${k}="${esc(v)}"`)
    .join('')}>
${another ? '<input type="hidden" name="another" value="1">' : ''}
${field(
  'number',
  'number',
  m.number,
  'type="text" inputmode="numeric" autocomplete="cc-number" maxlength="23" required spellcheck="false"',
  f.number,
  `<span id="kw-brand" class="kw-brand" aria-label="${esc(m.brand)}" aria-live="polite"></span>`,
)}
<div class="kw-row">
${field(
  'expiry',
  'expiry',
  m.expiry,
  `type="text" inputmode="numeric" autocomplete="cc-exp" maxlength="7" placeholder="${esc(m.expiryPlaceholder)}" required value="${esc(errors?.expiry ?? '')}"`,
  f.expiry,
)}
${field('cvv', 'cvv', m.cvv, `type="text" inputmode="numeric" autocomplete="cc-csc" maxlength="4" required title="${esc(m.cvvHint)}"`, f.cvv)}
</div>
${field('holder', 'holder', m.holder, `type="text" autocomplete="cc-name" maxlength="100" required value="${esc(holder)}"`, f.holder)}
${note ? `<p class="kw-note">${esc(note)}</p>` : ''}
<button type="submit" class="kw-pay" id="kw-pay">${esc(m.pay)} ${esc(formatMoney(a.amount, a.currency, a.locale))}</button>
</form>`;
}

function header(session: WidgetSession, shopName: string, m: Messages): string {
  const a = session.attrs;
  // tabindex=-1: the form focuses its title when no field should take the first keystroke (the saved card).
  return `<header class="kw-head"><h1 id="kw-title" tabindex="-1">${esc(m.title)}</h1>
<dl class="kw-summary"><dt>${esc(m.shop)}</dt><dd id="kw-shop">${esc(shopName)}</dd>
<dt>${esc(m.amount)}</dt><dd id="kw-amount">${esc(formatMoney(a.amount, a.currency, a.locale))}</dd>${
    a.agreement
      ? `\n<dt>${esc(m.agreement)}</dt><dd id="kw-agreement">${esc(describeAgreement(a.agreement, a.locale))}</dd>`
      : ''
  }</dl>
${a.orderDescription ? `<p class="kw-desc">${esc(a.orderDescription)}</p>` : ''}</header>`;
}

/** The hosted card form, with the saved card first when the payer has one. */
export function formPage(
  session: WidgetSession,
  shopName: string,
  saved: PaymentProfile | undefined,
  errors?: FormErrors,
  anotherOpen = false,
): string {
  const m = messages(session.attrs.locale);
  const sid = esc(session.id);
  const a = session.attrs;
  let content: string;
  // After a decline: the way on is another card, right here (the card fields are below, empty).
  const declined = session.declined ?? null;
  const back = a.urlFailure ?? a.urlReturn;
  const retry = declined
    ? `<p class="kw-retry"><a id="kw-retry" href="#kw-number">${esc(m.tryAnotherCard)}</a>${
        back ? ` <a id="kw-back" href="${esc(back)}" target="_top">${esc(m.backToShop)}</a>` : ''
      }</p>`
    : '';
  if (saved) {
    const label = `${m.savedCard} ${saved.organization} ${saved.maskedNumber}`;
    content = `<form method="post" action="/widget/session/${sid}/saved" class="kw-saved">
<button type="submit" class="kw-pay" id="kw-saved">${esc(label)}</button></form>
<details id="kw-another" class="kw-another"${anotherOpen ? ' open' : ''}><summary>${esc(m.anotherCard)}</summary>
${cardForm(session, m, errors, true)}</details>`;
  } else {
    content = cardForm(session, m, errors, false);
  }
  return shell({
    lang: session.attrs.locale,
    title: m.title,
    data: {
      page: 'form',
      'parent-origin': session.parentOrigin ?? '',
      event: JSON.stringify(declined?.event ?? { type: 'kartoteka:ready' }),
      // An overlay is a modal dialog: form.js keeps Tab inside it. Inline, the form is part of the shop's page.
      modal: a.inline ? 'false' : 'true',
    },
    body: `<main class="kw" aria-labelledby="kw-title">
${header(session, shopName, m)}
<div id="kw-alert" class="kw-alert" role="alert">${esc(errors?.alert ?? '')}</div>
${retry}
${content}
<form method="post" action="/widget/session/${sid}/cancel" id="kw-cancel-form" class="kw-cancel-form">
<button type="submit" class="kw-cancel" id="kw-cancel" formnovalidate>${esc(m.cancel)}</button></form>
<p class="kw-secure">${esc(m.secured)}</p>
</main>`,
  });
}

export type ResultKind = 'success' | 'failure' | 'cancel' | 'pending';

/** The page the flow ends on inside the iframe: it tells the shop page (form.js posts `data-event`). */
export function resultPage(
  session: WidgetSession,
  kind: ResultKind,
  event: Record<string, unknown> | null,
  continueUrl: string | null,
): string {
  const m = messages(session.attrs.locale);
  const text = {
    success: [m.successTitle, m.successBody],
    failure: [m.failureTitle, m.failureBody],
    cancel: [m.cancelTitle, m.cancelBody],
    pending: [m.pendingTitle, m.pendingBody],
  }[kind];
  const action = continueUrl
    ? `<a class="kw-pay" id="kw-continue" href="${esc(continueUrl)}" target="_top">${esc(m.continue)}</a>`
    : `<button type="button" class="kw-cancel" id="kw-close">${esc(m.close)}</button>`;
  return shell({
    lang: session.attrs.locale,
    title: text[0]!,
    data: {
      page: 'result',
      result: kind,
      'parent-origin': session.parentOrigin ?? '',
      event: event ? JSON.stringify(event) : '',
    },
    body: `<main class="kw kw-result kw-${kind}" aria-labelledby="kw-title">
<h1 id="kw-title">${esc(text[0]!)}</h1><p id="kw-result-text" role="status">${esc(text[1]!)}</p>
${action}</main>`,
  });
}

/**
 * The processor (imoje upstream) runs the 3-D Secure challenge on its own page, which can't be framed: the
 * payer follows this link out of the iframe (a click, so the browser lets the frame navigate the top window),
 * and comes back top-level through the gateway's return endpoint and this session's result.
 */
export function bankPage(session: WidgetSession, challengeUrl: string): string {
  const m = messages(session.attrs.locale);
  return shell({
    lang: session.attrs.locale,
    title: m.bankTitle,
    data: { page: 'bank', 'parent-origin': session.parentOrigin ?? '' },
    body: `<main class="kw kw-result kw-pending" aria-labelledby="kw-title">
<h1 id="kw-title">${esc(m.bankTitle)}</h1><p id="kw-result-text">${esc(m.bankBody)}</p>
<a class="kw-pay" id="kw-bank" href="${esc(challengeUrl)}" target="_top">${esc(m.bankContinue)}</a></main>`,
  });
}

/** Nothing could be started (bad signature, bad attributes, unknown shop, expired): say so, charge nothing. */
export function errorPage(
  locale: Locale,
  parentOrigin: string | null,
  code: string,
  message: string,
  details: string[] = [],
  /** More fields for the `kartoteka:error` event (e.g. `errors` for `invalid_attributes`). */
  eventFields: Record<string, unknown> = {},
): string {
  const m = messages(locale);
  return shell({
    lang: locale,
    title: m.errorTitle,
    data: {
      page: 'error',
      'parent-origin': parentOrigin ?? '',
      event: JSON.stringify({ ...eventFields, type: 'kartoteka:error', code, message }),
    },
    body: `<main class="kw kw-result kw-error" aria-labelledby="kw-title">
<h1 id="kw-title">${esc(m.errorTitle)}</h1>
<p id="kw-error" role="alert" data-code="${esc(code)}">${esc(message)}</p>
${details.length ? `<ul class="kw-details">${details.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>` : ''}
<button type="button" class="kw-cancel" id="kw-close">${esc(m.close)}</button></main>`,
  });
}
