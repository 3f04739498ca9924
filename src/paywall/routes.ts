import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { openPaymentLink } from '../payments/read-payment-link.js';
import { findShop } from '../payments/shops.js';
import { alreadyPaid } from '../widget/pay.js';
import { localeOf, type Locale, type WidgetAttributes } from '../widget/attributes.js';
import { frameCsp } from '../widget/html.js';
import { messages } from '../widget/messages.js';
import { errorPage } from '../widget/pages.js';
import type { WidgetSessions } from '../widget/sessions.js';
import type { PaymentsDeps } from '../payments/deps.js';
import { formAttributes, linkAttributes } from './attributes.js';
import { paywallMessages } from './messages.js';
import { pickPaywallForm, verifyPaywallSignature } from './signature.js';

export interface PaywallDeps {
  payments: PaymentsDeps;
  /** The widget's sessions: the paywall opens one and shows the widget's card form in it. */
  sessions: WidgetSessions;
}

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', frameCsp(null))
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .send(html);
}

function queryLocale(request: FastifyRequest): Locale {
  const q = request.query as Record<string, unknown> | undefined;
  return localeOf({ locale: typeof q?.locale === 'string' ? q.locale : undefined });
}

/**
 * The hosted paywall: a payment link's page (`/paywall/link/{id}`) and imoje's signed paywall form
 * (`POST`/`GET /payment`). Both open a widget session with the order and send the browser to the widget's
 * card form, which pays, runs 3-D Secure and — the session being top-level — sends the browser back to the
 * shop's URL. Nothing is charged here.
 */
export function paywallRoutes(deps: PaywallDeps): (app: FastifyInstance) => void {
  const p = deps.payments;
  const fail = (
    reply: FastifyReply,
    locale: Locale,
    status: number,
    code: string,
    text: string,
    details: string[] = [],
  ) => sendPage(reply, status, errorPage(locale, null, code, text, details));

  const open = async (reply: FastifyReply, attrs: WidgetAttributes) => {
    if (await alreadyPaid(p, attrs)) {
      return fail(reply, attrs.locale, 409, 'already_paid', messages(attrs.locale).alreadyPaid);
    }
    const session = await deps.sessions.create(attrs, null);
    return reply.code(303).header('location', `/widget/session/${session.id}`).send();
  };

  const signedForm = async (request: FastifyRequest, reply: FastifyReply, source: unknown) => {
    const { form, signature } = pickPaywallForm(source);
    const locale = localeOf({ locale: form.locale });
    const m = messages(locale);
    const shop =
      form.merchantId && form.serviceId
        ? await findShop(p, form.merchantId, form.serviceId).catch(() => undefined)
        : undefined;
    if (!shop) return fail(reply, locale, 404, 'unknown_shop', m.unknownShop);
    const check = verifyPaywallSignature(form, signature, shop.serviceKey);
    if (check !== 'ok') {
      request.log.warn({ serviceId: shop.id, reason: check }, 'paywall signature refused');
      return fail(reply, locale, 403, 'invalid_signature', m.badSignature);
    }
    const parsed = formAttributes(form, {
      now: p.clock.now(),
      agreementRequired: shop.agreementRequired ?? false,
    });
    if (!parsed.ok) return fail(reply, locale, 422, 'invalid_attributes', m.badAttributes, parsed.problems);
    if (parsed.attrs.validTo !== null && parsed.attrs.validTo < p.clock.now()) {
      return fail(reply, locale, 410, 'expired', m.expired);
    }
    return open(reply, parsed.attrs);
  };

  return (app) => {
    app.get<{ Params: { id: string } }>(
      '/paywall/link/:id',
      { schema: { hide: true } },
      async (request, reply) => {
        const locale = queryLocale(request);
        const t = paywallMessages(locale);
        const found = await openPaymentLink(p, request.params.id);
        if (!found) return fail(reply, locale, 404, 'link_not_found', t.linkNotFound);
        switch (found.state) {
          case 'paid':
            return fail(reply, locale, 409, 'already_paid', messages(locale).alreadyPaid);
          case 'cancelled':
            return fail(reply, locale, 410, 'link_cancelled', t.linkCancelled);
          case 'expired':
            return fail(reply, locale, 410, 'expired', t.linkExpired);
          case 'paying':
            return fail(reply, locale, 409, 'in_progress', messages(locale).inProgress);
          case 'open':
            return open(reply, linkAttributes(found.link, locale));
        }
      },
    );

    // imoje's paywall form: a shop's checkout posts (or links) its signed fields to {paywall}/payment.
    app.post('/payment', { schema: { hide: true }, config: { signedForm: true } }, (request, reply) =>
      signedForm(request, reply, request.body),
    );
    app.get('/payment', { schema: { hide: true }, config: { signedForm: true } }, (request, reply) =>
      signedForm(request, reply, request.query),
    );
  };
}
