import { linkCardMethod, type PaymentLink } from '../domain/payment-link.js';
import { AGREEMENT_FIELDS } from '../domain/agreement.js';
import {
  parseAttributes,
  type Locale,
  type ParseOptions,
  type WidgetAttributes,
} from '../widget/attributes.js';
import type { PaywallForm } from './signature.js';

/** A link, as the widget's card form pays it: one card form and one 3-D Secure flow for both. */
export function linkAttributes(link: PaymentLink, locale: Locale): WidgetAttributes {
  return {
    merchantId: link.merchantId,
    serviceId: link.serviceId,
    amount: link.amount,
    currency: link.currency,
    orderId: link.orderId,
    customerId: link.customerCid ?? '',
    customerFirstName: link.customerFirstName,
    customerLastName: link.customerLastName,
    customerEmail: link.customerEmail,
    customerPhone: link.customerPhone,
    orderDescription: link.title,
    urlSuccess: link.successReturnUrl,
    urlFailure: link.failureReturnUrl,
    urlReturn: link.returnUrl,
    urlCancel: link.returnUrl,
    widgetType: linkCardMethod(link),
    validTo: link.validTo,
    locale,
    inline: false,
    notificationUrl: link.notificationUrl,
    topLevel: true,
    agreement: link.agreement ?? null,
  };
}

// The widget requires a payer id and e-mail; the paywall form doesn't (ecom3ds needs no cid). These stand in
// for the widget's checks and are removed again after them.
const NO_CID = 'paywall-no-cid';
const NO_EMAIL = 'paywall@no-email.invalid';

/**
 * The paywall form's fields mapped onto the widget's and checked by the widget's own rules (shapes, limits),
 * so both entry points accept the same values.
 */
export function formAttributes(
  form: PaywallForm,
  options: ParseOptions = {},
): { ok: true; attrs: WidgetAttributes } | { ok: false; problems: string[] } {
  const cid = form.cid ?? form.customerId;
  const preselect = form.preselectMethodCode;
  const widgetType = cid && (preselect === 'oneclick' || preselect === 'recurring') ? preselect : 'ecom3ds';
  const parsed = parseAttributes(
    {
      merchantId: form.merchantId,
      serviceId: form.serviceId,
      amount: form.amount,
      currency: form.currency,
      orderId: form.orderId,
      customerId: cid || NO_CID,
      customerFirstName: form.customerFirstName,
      customerLastName: form.customerLastName,
      customerEmail: form.customerEmail || NO_EMAIL,
      customerPhone: form.customerPhone,
      orderDescription: form.orderDescription,
      urlSuccess: form.urlSuccess,
      urlFailure: form.urlFailure,
      urlReturn: form.urlReturn,
      widgetType,
      validTo: form.validTo,
      locale: form.locale,
      ...Object.fromEntries(AGREEMENT_FIELDS.map((f) => [f, form[f]])),
    },
    options,
  );
  if (!parsed.ok) {
    return {
      ok: false,
      problems: parsed.problems.map((p) => `${p.attribute.replace(/^data-/, '')} ${p.message}`),
    };
  }
  const url = form.urlNotification;
  if (url !== undefined && url !== '' && !/^https?:\/\/[^\s]+$/.test(url)) {
    return { ok: false, problems: ['urlNotification must be an absolute http(s) URL'] };
  }
  return {
    ok: true,
    attrs: {
      ...parsed.attrs,
      customerId: cid ?? '',
      customerEmail: form.customerEmail ?? '',
      urlCancel: parsed.attrs.urlReturn,
      notificationUrl: url || null,
      topLevel: true,
    },
  };
}
