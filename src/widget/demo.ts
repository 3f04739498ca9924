import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PaymentsDeps } from '../payments/deps.js';
import { orderOutcome, type OrderOutcome } from '../payments/order-outcome.js';
import { firstShop, shopById, type Shop } from '../payments/shops.js';
import { checkField, CID_RULE } from '../domain/field-rules.js';
import { esc, formatMoney } from './html.js';
import { signingInput, signWidget } from './signature.js';

const DEMO_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; frame-src 'self'; form-action 'self'; img-src 'self' data:; base-uri 'none'";

const DEMO_AMOUNT = 1999;

/** The payment and its notifications, as the shop's server would learn them (the redirect itself proves nothing). */
function outcomeHtml(outcome: OrderOutcome | undefined, shop: Shop | undefined): string {
  if (!outcome) {
    return '<section id="demo-outcome" aria-labelledby="demo-outcome-h"><h2 id="demo-outcome-h">The payment</h2><p>No payment was made for this order.</p></section>';
  }
  const notifications =
    outcome.notifications.length === 0
      ? shop?.notificationUrl
        ? '<p>No notification yet: one is written with every status change.</p>'
        : '<p id="demo-no-url">None is sent: this shop has no notification URL. Set one with <code>npx kartoteka shop update --merchant … --shop … --notification-url https://…</code></p>'
      : `<ul id="demo-notifications">${outcome.notifications
          .map((n) => {
            const to = n.url
              ? `to <code>${esc(n.url)}</code>`
              : "(the shop has no notification URL, so there's nowhere to send it)";
            const state =
              n.status === 'delivered' && n.deliveredAt !== null
                ? `delivered ${new Date(n.deliveredAt).toISOString()}`
                : `${n.status}, ${n.attempts} attempt(s)${n.lastError ? `, last error: ${esc(n.lastError)}` : ''}`;
            return `<li data-status="${esc(n.status)}">${esc(state)} ${to}</li>`;
          })
          .join('')}</ul>`;
  return `<section id="demo-outcome" aria-labelledby="demo-outcome-h"><h2 id="demo-outcome-h">The payment</h2>
<dl><dt>status</dt><dd id="demo-status">${esc(outcome.status)}${outcome.statusCode ? ` (${esc(outcome.statusCode)})` : ''}</dd>
<dt>amount</dt><dd>${esc(formatMoney(outcome.amount, outcome.currency, 'en'))}</dd>
<dt>card</dt><dd id="demo-card">${esc(outcome.maskedNumber ?? '—')}</dd>
<dt>transaction</dt><dd><code>${esc(outcome.transactionId)}</code></dd></dl>
<h3>Notifications</h3>${notifications}</section>`;
}

const TEST_CARDS: Array<[string, string]> = [
  ['4012001037141112', '3-D Secure challenge, then settled'],
  ['4111111111111111', 'settled, no challenge'],
  ['4444333322221111', 'declined (CODE_05)'],
  ['4934403892699132', 'challenge, then declined'],
  ['5555555555554444', 'Mastercard, settled'],
];

/** The sandbox shop bootstrapped on first start; without one (bootstrap off), the oldest merchant's first shop. */
async function demoShop(deps: PaymentsDeps, sandboxServiceId: string | undefined): Promise<Shop | undefined> {
  if (sandboxServiceId) {
    const shop = await shopById(deps, sandboxServiceId);
    if (shop) return shop;
  }
  return firstShop(deps);
}

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : fallback;
}

function page(reply: FastifyReply, title: string, body: string): FastifyReply {
  return reply
    .code(200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', DEMO_CSP)
    .header('cache-control', 'no-store').send(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<link rel="stylesheet" href="/widget/assets/demo.css"><script src="/widget/assets/demo.js" defer></script></head>
<body><main>${body}</main></body></html>`);
}

function link(params: Record<string, string>, label: string, current: boolean): string {
  const q = new URLSearchParams(params).toString();
  return current ? `<strong>${esc(label)}</strong>` : `<a href="/demo?${esc(q)}">${esc(label)}</a>`;
}

/**
 * A demo shop, sandbox only: it signs the widget attributes server-side, exactly as a real shop's backend
 * would, and embeds the widget — the first page a newcomer opens.
 */
export function demoRoutes(
  deps: PaymentsDeps,
  sandboxServiceId: () => string | undefined,
): (app: FastifyInstance) => void {
  return (app) => {
    app.get<{ Querystring: Record<string, string | undefined> }>(
      '/demo',
      { schema: { hide: true } },
      async (request, reply) => {
        const shop = await demoShop(deps, sandboxServiceId());
        if (!shop) {
          return page(
            reply,
            'Kartoteka demo',
            '<h1>No shop yet</h1><p>Create a merchant and a shop first.</p>',
          );
        }
        const q = request.query;
        const cid =
          q.cid !== undefined && checkField(CID_RULE, q.cid) === null
            ? q.cid!
            : `demo-${randomBytes(6).toString('hex')}`;
        const type = pick(q.type, ['oneclick', 'recurring', 'ecom3ds'] as const, 'oneclick');
        const locale = pick(q.locale, ['en', 'pl'] as const, 'en');
        const inline = q.inline === 'true';
        const base = deps.publicUrl();
        const orderId = `demo-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
        // The order rides along so the result page can show what became of it.
        const done = (result: string) =>
          `${base}/demo/done?result=${result}&order=${orderId}&cid=${cid}&type=${type}&locale=${locale}`;
        const signed: Record<string, string> = {
          merchantId: shop.merchantId,
          serviceId: shop.id,
          amount: String(DEMO_AMOUNT),
          currency: 'PLN',
          orderId,
          customerId: cid,
          customerFirstName: 'Jan',
          customerLastName: 'Kowalski',
          customerEmail: 'jan.kowalski@example.com',
          orderDescription: 'Kartoteka demo mug',
          urlSuccess: done('success'),
          urlFailure: done('failure'),
          urlCancel: done('cancel'),
          widgetType: type,
        };
        const signature = signWidget(signed, shop.serviceKey);
        const attrs = Object.entries(signed)
          .map(([k, v]) => `data-${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}="${esc(v)}"`)
          .join('\n  ');
        const here = { cid, type, locale, inline: String(inline) };
        const input = signingInput(signed, '');
        return page(
          reply,
          'Kartoteka demo shop',
          `<h1>Kartoteka demo shop <small>sandbox</small></h1>
<p>This page is a shop without PCI DSS. Its server signed the widget attributes below with the shop's
<code>serviceKey</code>; the card form opens in an iframe served by the gateway, so card numbers never reach the shop.
See <code>docs/widget.md</code>.</p>
<section class="product"><h2>Kartoteka demo mug</h2><p class="price">${esc(formatMoney(DEMO_AMOUNT, 'PLN', 'en'))}</p>
<button id="demo-pay" type="button">Pay by card</button></section>
${inline ? '<div id="imoje-widget__wrapper"></div>' : ''}
<nav><p>Widget type: ${(['oneclick', 'recurring', 'ecom3ds'] as const).map((t) => link({ ...here, type: t }, t, t === type)).join(' · ')}</p>
<p>Language: ${link({ ...here, locale: 'en' }, 'English', locale === 'en')} · ${link({ ...here, locale: 'pl' }, 'polski', locale === 'pl')}
 — Display: ${link({ ...here, inline: 'false' }, 'overlay', !inline)} · ${link({ ...here, inline: 'true' }, 'inline', inline)}</p>
<p>Payer (<code>data-customer-id</code>): <code id="demo-cid">${esc(cid)}</code> — ${link({ type, locale }, 'be a new payer', false)}.
After a oneclick payment, reload this page: the widget offers the saved card.</p></nav>
<h2>Test cards</h2><p>Any name, any CVV, any future expiry (e.g. 12/29).</p>
<table><thead><tr><th>number</th><th>behaviour</th></tr></thead><tbody>
${TEST_CARDS.map(([n, d]) => `<tr><td><code>${n}</code></td><td>${esc(d)}</td></tr>`).join('\n')}
</tbody></table>
<h2>Events</h2><p>What the widget told this page (<code>postMessage</code> from the gateway origin):</p>
<ol id="demo-log" aria-live="polite"></ol>
<h2>The embed</h2>
<pre><code>&lt;script id="imoje-widget__script" src="${esc(base)}/js/widget.min.js"
  ${attrs}
  data-signature="${esc(signature)}"
  data-locale="${locale}" data-inline="${inline}"
  data-element-id="demo-pay" data-element-event="click"&gt;&lt;/script&gt;</code></pre>
<p>Signed string (then <code>serviceKey</code> is appended and hashed with SHA-256):</p>
<pre class="wrap"><code>${esc(input)}</code></pre>
<script id="imoje-widget__script" src="${esc(base)}/js/widget.min.js" ${Object.entries(signed)
            .map(([k, v]) => `data-${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}="${esc(v)}"`)
            .join(
              ' ',
            )} data-signature="${esc(signature)}" data-locale="${locale}" data-inline="${inline}" data-element-id="demo-pay" data-element-event="click"></script>`,
        );
      },
    );

    app.get<{ Querystring: Record<string, string | undefined> }>(
      '/demo/done',
      { schema: { hide: true } },
      async (request, reply) => {
        const q = request.query;
        const result = pick(q.result, ['success', 'failure', 'cancel'] as const, 'failure');
        const back = new URLSearchParams({
          cid: q.cid !== undefined && checkField(CID_RULE, q.cid) === null ? q.cid : '',
          type: pick(q.type, ['oneclick', 'recurring', 'ecom3ds'] as const, 'oneclick'),
          locale: pick(q.locale, ['en', 'pl'] as const, 'en'),
        });
        const title = { success: 'Thank you!', failure: 'Payment failed', cancel: 'Payment cancelled' }[
          result
        ];
        const orderId = /^demo-[a-z0-9]{1,40}$/.test(q.order ?? '') ? q.order! : null;
        const shop = orderId ? await demoShop(deps, sandboxServiceId()) : undefined;
        const outcome =
          shop && orderId
            ? await orderOutcome(deps, { serviceId: shop.id, orderId, amount: DEMO_AMOUNT, currency: 'PLN' })
            : undefined;
        return page(
          reply,
          title,
          `<h1 id="demo-result" data-result="${result}">${esc(title)}</h1>
<p>The widget sent the payer to this shop's <code>data-url-${result}</code>. The shop's server learns the final status from
the notification (webhook), never from this redirect.</p>
${orderId ? outcomeHtml(outcome, shop) : ''}
<p><a id="demo-again" href="/demo?${esc(back.toString())}">Buy again as the same payer</a>
 · <a href="/demo">Start over as a new payer</a></p>`,
        );
      },
    );
  };
}
