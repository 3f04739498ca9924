import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { envelope } from '../wire/error-envelope.js';
import type { PaymentsDeps } from '../payments/deps.js';
import { transactionById } from '../payments/read-transaction.js';
import { findShop, shopById } from '../payments/shops.js';
import { dataName, localeOf, parseAttributes, pickAttributes, type Locale } from './attributes.js';
import { loadAssets, type Asset } from './assets.js';
import { frameCsp } from './html.js';
import { declineReason, messages } from './messages.js';
import { bankPage, errorPage, formPage, resultPage, type FormErrors } from './pages.js';
import {
  alreadyPaid,
  outcomeOf,
  payWithCard,
  retryable,
  payWithSavedCard,
  resultUrl,
  savedCard,
  type PayResult,
} from './pay.js';
import { WidgetSessions, type WidgetSession } from './sessions.js';
import { verifyWidgetSignature } from './signature.js';
import { hashToken } from '../domain/token-hash.js';
import { locationOf } from '../html/location.js';
import { isWebOrigin } from '../domain/web-origin.js';

export interface WidgetDeps {
  payments: PaymentsDeps;
  /** How long an opened widget accepts a payment (capped by `data-valid-to`). */
  sessionTtlMs?: number;
  /** The sessions, when the composition root also asks them who framed a payment (see `widgetPlugins`). */
  sessions?: WidgetSessions;
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset, maxAge: number): FastifyReply {
  reply
    .header('content-type', asset.contentType)
    .header('cache-control', `public, max-age=${maxAge}`)
    .header('etag', asset.etag)
    .header('x-content-type-options', 'nosniff')
    // The shop page loads widget.min.js cross-origin; allowing CORS lets shops add Subresource Integrity.
    .header('access-control-allow-origin', '*')
    .header('cross-origin-resource-policy', 'cross-origin');
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.code(200).send(asset.body);
}

function sendPage(
  reply: FastifyReply,
  status: number,
  parentOrigin: string | null,
  html: string,
  formTargets: readonly string[] = [],
): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', frameCsp(parentOrigin, formTargets))
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .send(html);
}

/** A top-level (paywall) session's return URLs' origins: where its form's redirect chain may end. */
function returnOrigins(session: WidgetSession): string[] {
  const a = session.attrs;
  if (!a.topLevel && !session.challengeOutside) return [];
  const origins = new Set<string>();
  for (const url of [a.urlSuccess, a.urlFailure, a.urlReturn, a.urlCancel]) {
    if (!url) continue;
    try {
      // A URL host may hold `;` (`https://a;sandbox/`): only a bare origin goes into the policy.
      const origin = new URL(url).origin;
      if (isWebOrigin(origin)) origins.add(origin);
    } catch {
      // Validated as an absolute URL when the session was opened; nothing to add otherwise.
    }
  }
  return [...origins];
}

/**
 * The shop page's origin: the browser's Origin header, or — when the browser sends `Origin: null` because the
 * shop page uses Referrer-Policy: no-referrer — the origin the widget script posted. A forged value gains
 * nothing: it only names who may frame the form (frame-ancestors) and receive its events. Only a bare origin is
 * kept (`isWebOrigin`): the value is written into the form's Content-Security-Policy.
 */
export function parentOriginOf(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  if (typeof origin === 'string' && isWebOrigin(origin)) return origin;
  const posted = body(request).kartotekaParentOrigin;
  return typeof posted === 'string' && isWebOrigin(posted) ? posted : null;
}

/**
 * A widget's card form lives in the shop page's iframe. Its session is a bearer URL whose opener chose the
 * customer, so the form loaded as a whole page is a link somebody was sent: paying there would save the
 * payer's card to the opener's customer, who could then pay with it in one click. The browser says how it
 * loads the page (`Sec-Fetch-Dest`); one that doesn't is served. The paywall's sessions are whole pages, and so
 * is a session whose payer was sent to the processor's own 3-D Secure page and came back top-level.
 */
function shownAsWholePage(request: FastifyRequest, session: WidgetSession): boolean {
  if (session.attrs.topLevel || session.challengeOutside) return false;
  return request.headers['sec-fetch-dest'] === 'document';
}

function body(request: FastifyRequest): Record<string, unknown> {
  return request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
}

/**
 * The browser side of the gateway: the widget script, the hosted card form and its result pages. The card
 * number only ever travels from the gateway-origin form to these routes, never through the shop.
 */
export function widgetRoutes(deps: WidgetDeps): (app: FastifyInstance) => void {
  const p = deps.payments;
  const assets = loadAssets();
  const sessions = deps.sessions ?? new WidgetSessions(p, deps.sessionTtlMs);

  const sessionGone = (reply: FastifyReply, locale: Locale = 'en') =>
    sendPage(reply, 404, null, errorPage(locale, null, 'session_expired', messages(locale).sessionGone));

  const showForm = async (
    reply: FastifyReply,
    session: WidgetSession,
    status = 200,
    errors?: FormErrors,
    another = false,
  ) => {
    // A reload of the shop page (a new opening) or a form left open must not offer to pay a paid order again.
    if (await alreadyPaid(p, session.attrs)) return paidPage(reply, session);
    const shop = await shopById(p, session.attrs.serviceId);
    const saved = await savedCard(p, session);
    const declined = session.declined;
    const m = messages(session.attrs.locale);
    const html = formPage(
      session,
      shop?.name ?? '',
      saved,
      errors ?? (declined ? { alert: declineReason(m, declined.statusCode) } : undefined),
      another || (declined?.savedCard ?? false),
    );
    // The shop page hears of the decline once; a reload of the form must not report it again. Lost to a
    // concurrent change, the session moved on anyway (its payment started), so nothing is left to clear.
    if (declined?.event) {
      await sessions.update(session, (s) => {
        if (s.declined) s.declined = { ...s.declined, event: null };
      });
    }
    return sendPage(reply, status, session.parentOrigin, html, returnOrigins(session));
  };

  const failedPage = (reply: FastifyReply, session: WidgetSession) => {
    const m = messages(session.attrs.locale);
    return sendPage(
      reply,
      500,
      session.parentOrigin,
      errorPage(session.attrs.locale, session.parentOrigin, 'payment_error', m.paymentError),
    );
  };

  const paidPage = (reply: FastifyReply, session: WidgetSession) => {
    const m = messages(session.attrs.locale);
    return sendPage(
      reply,
      409,
      session.parentOrigin,
      errorPage(session.attrs.locale, session.parentOrigin, 'already_paid', m.alreadyPaid),
    );
  };

  const pay = async (
    request: FastifyRequest,
    reply: FastifyReply,
    session: WidgetSession,
    run: () => Promise<PayResult>,
  ) => {
    // Compare-and-set open → paying before anything is charged: of a double click, or of two clicks reaching
    // two instances, one starts the payment and the other lands on the result (the database claim on the
    // order covers other openings).
    const started = await sessions.update(session, (s) => {
      s.state = 'paying';
      s.declined = null;
    });
    if (!started) return reply.code(303).header('location', resultUrl(p, session)).send();
    const paying = { state: 'paying', transactionId: null } as const;
    let result: PayResult;
    try {
      result = await run();
    } catch (err) {
      // Not a refusal: the transaction may exist and be recovered later, so the payer must not simply retry.
      // The id is the payer's bearer secret: the log names the session by (a prefix of) its stored hash.
      request.log.error({ err, widgetSession: sessionRef(session.id) }, 'widget payment failed');
      session.state = 'failed';
      // Best effort: the failure may be the database itself; the payer sees this page either way.
      await sessions.save(session, paying).catch((e: unknown) => {
        request.log.warn({ err: e, widgetSession: sessionRef(session.id) }, 'widget session not updated');
      });
      return failedPage(reply, session);
    }
    // This request holds the session in `paying`: nobody else changes it, so this write can't lose.
    if (result.kind === 'redirect') {
      await sessions.save(session, paying);
      return reply.code(303).header('location', locationOf(result.url)).send();
    }
    session.state = 'open';
    await sessions.save(session, paying);
    if (result.kind === 'paid') return paidPage(reply, session);
    return showForm(reply, session, 422, result.errors, result.another);
  };

  /**
   * The form's own POSTs (pay, saved card, cancel) come from the gateway's origin. Sec-Fetch-Site lets us refuse
   * a cross-site form aimed at a session id without depending on how the gateway's host name is spelled.
   */
  const sameOrigin = (request: FastifyRequest) => {
    const site = request.headers['sec-fetch-site'];
    return site === undefined || site === 'same-origin';
  };

  const forbidden = (reply: FastifyReply, session: WidgetSession) =>
    sendPage(
      reply,
      403,
      session.parentOrigin,
      errorPage(
        session.attrs.locale,
        session.parentOrigin,
        'forbidden',
        messages(session.attrs.locale).forbidden,
      ),
    );

  return (app) => {
    app.get('/js/widget.min.js', { schema: { hide: true } }, (request, reply) =>
      sendAsset(request, reply, assets.widget, 300),
    );
    app.get<{ Params: { file: string } }>(
      '/widget/assets/:file',
      { schema: { hide: true } },
      (request, reply) => {
        const asset = assets.files.get(request.params.file);
        if (!asset) {
          return reply
            .code(404)
            .send(
              envelope('routeNotFound', {}, [
                { property: 'path', message: `No widget asset named ${request.params.file}.` },
              ]),
            );
        }
        return sendAsset(request, reply, asset, 300);
      },
    );

    // The widget script submits its data-* attributes here (a form POST into the iframe: no CORS needed,
    // and the browser's Origin header tells us who opened the widget).
    app.post(
      '/widget/session',
      { schema: { hide: true }, config: { signedForm: true } },
      async (request, reply) => {
        const raw = pickAttributes(request.body);
        const locale = localeOf(raw);
        const m = messages(locale);
        const origin = parentOriginOf(request);
        const fail = (status: number, code: string, message: string, details: string[] = []) =>
          sendPage(reply, status, origin, errorPage(locale, origin, code, message, details));

        const shop =
          raw.merchantId && raw.serviceId
            ? await findShop(p, raw.merchantId, raw.serviceId).catch(() => undefined)
            : undefined;
        if (!shop) return fail(404, 'unknown_shop', m.unknownShop);
        const check = verifyWidgetSignature(raw, raw.signature, shop.serviceKey);
        if (!check.ok) {
          request.log.warn({ serviceId: shop.id, reason: check.reason }, 'widget signature refused');
          const details =
            check.reason === 'ambiguous'
              ? [
                  `${dataName(check.attribute)} contains "&${check.contains}=", which the signature cannot tell apart from a separate ${dataName(check.contains)}`,
                ]
              : [];
          return fail(403, 'invalid_signature', m.badSignature, details);
        }
        // A shop that named its pages' origins: a session opened anywhere else would be framed there (its
        // frame-ancestors is the opener's origin), so a signed session handed to another site is refused.
        if (shop.widgetOrigins?.length && (origin === null || !shop.widgetOrigins.includes(origin))) {
          request.log.warn(
            { serviceId: shop.id, origin },
            'widget opened from an origin the shop does not allow',
          );
          return fail(403, 'origin_not_allowed', m.originNotAllowed);
        }
        const parsed = parseAttributes(raw, {
          now: p.clock.now(),
          agreementRequired: shop.agreementRequired ?? false,
        });
        if (!parsed.ok) {
          // "Incomplete" only when something is missing; a value that breaks a rule is not missing.
          const malformed = parsed.problems.some((x) => x.kind === 'malformed');
          return sendPage(
            reply,
            422,
            origin,
            errorPage(
              locale,
              origin,
              'invalid_attributes',
              malformed ? m.malformedAttributes : m.badAttributes,
              parsed.problems.map((x) => `${x.attribute} ${x.message}`),
              { errors: parsed.problems.map((x) => ({ attribute: x.attribute, message: x.message })) },
            ),
          );
        }
        if (parsed.attrs.validTo !== null && parsed.attrs.validTo < p.clock.now()) {
          return fail(410, 'expired', m.expired);
        }
        if (await alreadyPaid(p, parsed.attrs)) {
          return fail(409, 'already_paid', m.alreadyPaid);
        }
        const session = await sessions.create(parsed.attrs, origin);
        return reply.code(303).header('location', `/widget/session/${session.id}`).send();
      },
    );

    app.get<{ Params: { id: string } }>(
      '/widget/session/:id',
      { schema: { hide: true } },
      async (request, reply) => {
        const session = await sessions.get(request.params.id);
        if (!session) return sessionGone(reply);
        if (shownAsWholePage(request, session)) {
          const m = messages(session.attrs.locale);
          return sendPage(
            reply,
            403,
            null,
            errorPage(session.attrs.locale, null, 'framed_only', m.framedOnly),
          );
        }
        if (session.state === 'challenge' && session.transactionId) {
          if (session.challengeOutside && session.challengeUrl) {
            return sendPage(reply, 200, session.parentOrigin, bankPage(session, session.challengeUrl));
          }
          const challenge = session.challengeUrl ?? `/3ds/${session.transactionId}`;
          return reply.code(303).header('location', locationOf(challenge)).send();
        }
        if (session.state !== 'open') return reply.code(303).header('location', resultUrl(p, session)).send();
        return showForm(reply, session);
      },
    );

    app.post<{ Params: { id: string } }>(
      '/widget/session/:id/pay',
      { schema: { hide: true } },
      async (request, reply) => {
        const session = await sessions.get(request.params.id);
        if (!session) return sessionGone(reply);
        if (!sameOrigin(request)) return forbidden(reply, session);
        // One payment per opening: a double submit or a back-button resubmit lands on the result instead.
        if (session.state !== 'open') return reply.code(303).header('location', resultUrl(p, session)).send();
        const headers = {
          ip: request.ip,
          userAgent: request.headers['user-agent'],
          accept: request.headers.accept,
          acceptLanguage: request.headers['accept-language'],
        };
        return pay(request, reply, session, () => payWithCard(p, session, body(request), headers));
      },
    );

    app.post<{ Params: { id: string } }>(
      '/widget/session/:id/saved',
      { schema: { hide: true } },
      async (request, reply) => {
        const session = await sessions.get(request.params.id);
        if (!session) return sessionGone(reply);
        if (!sameOrigin(request)) return forbidden(reply, session);
        if (session.state !== 'open') return reply.code(303).header('location', resultUrl(p, session)).send();
        return pay(request, reply, session, () => payWithSavedCard(p, session));
      },
    );

    app.post<{ Params: { id: string } }>(
      '/widget/session/:id/cancel',
      { schema: { hide: true } },
      async (request, reply) => {
        const session = await sessions.get(request.params.id);
        if (!session) return sessionGone(reply);
        if (!sameOrigin(request)) return forbidden(reply, session);
        // Lost to a concurrent change (a payment started): the result page tells which.
        if (session.state === 'open') {
          await sessions.update(session, (s) => {
            s.state = 'cancelled';
          });
        }
        return reply.code(303).header('location', resultUrl(p, session)).send();
      },
    );

    app.get<{ Params: { id: string } }>(
      '/widget/session/:id/result',
      { schema: { hide: true } },
      async (request, reply) => {
        const session = await sessions.get(request.params.id);
        if (!session) return sessionGone(reply);
        const a = session.attrs;
        // The paywall's form is the whole page: the browser goes back to the shop as imoje's paywall sends it.
        // So is a payer back from the processor's own 3-D Secure page: the browser left the iframe for it.
        const back = (url: string | null) =>
          (a.topLevel || session.challengeOutside) && url
            ? reply.code(303).header('location', locationOf(url)).send()
            : undefined;
        if (session.state === 'cancelled') {
          const gone = back(a.urlCancel ?? a.urlReturn);
          if (gone) return gone;
          const event = { type: 'kartoteka:cancel', orderId: a.orderId };
          return sendPage(
            reply,
            200,
            session.parentOrigin,
            resultPage(session, 'cancel', event, a.urlCancel ?? a.urlReturn),
          );
        }
        if (session.state === 'failed') return failedPage(reply, session);
        if (session.state === 'open') {
          return reply.code(303).header('location', `/widget/session/${session.id}`).send();
        }
        if (!session.transactionId) {
          return sendPage(reply, 200, session.parentOrigin, resultPage(session, 'pending', null, null));
        }
        const t = await transactionById(p, session.transactionId);
        if (!t) return sessionGone(reply, a.locale);
        const outcome = outcomeOf(t);
        if (outcome === 'pending')
          return sendPage(reply, 200, session.parentOrigin, resultPage(session, 'pending', null, null));
        const event: Record<string, unknown> = {
          type: outcome === 'success' ? 'kartoteka:success' : 'kartoteka:failure',
          transactionId: t.id,
          orderId: t.orderId,
          status: t.status,
          amount: t.amount,
          currency: t.currency,
        };
        if (t.statusCode) event.statusCode = t.statusCode;
        if (t.profileId) event.paymentProfileId = t.profileId;
        if (outcome === 'failure' && retryable(t)) {
          // A decline is not the end: the order was released, so the payer stays in the form with the reason
          // and tries another card. The shop page still hears of it (`retry: true`: the widget stays open).
          // Of two result pages loaded at once (on any instances), one reopens the form; both land on it.
          await sessions.update(session, (s) => {
            s.state = 'open';
            s.transactionId = null;
            s.declined = {
              transactionId: t.id,
              statusCode: t.statusCode ?? null,
              savedCard: t.profileId !== null, // only a debit of the saved profile has one before it succeeds
              event: { ...event, retry: true },
            };
          });
          return reply.code(303).header('location', `/widget/session/${session.id}`).send();
        }
        if (session.state !== 'done') {
          await sessions.update(session, (s) => {
            s.state = 'done';
          });
        }
        const url = outcome === 'success' ? (a.urlSuccess ?? a.urlReturn) : (a.urlFailure ?? a.urlReturn);
        const gone = back(url);
        if (gone) return gone;
        return sendPage(reply, 200, session.parentOrigin, resultPage(session, outcome, event, url));
      },
    );
  };
}

/** How logs name a widget session: the first 12 hex digits of the hash the database keys it by. */
function sessionRef(id: string): string {
  return hashToken(id).slice(0, 12);
}
