import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { describeAgreement } from '../../domain/agreement.js';
import { formatMoney } from '../../domain/money.js';
import type { Transaction } from '../../domain/transaction.js';
import { completeChallenge, viewChallenge } from '../../payments/challenge.js';
import type { HttpDeps } from '../http-deps.js';
import { locationOf } from '../../html/location.js';
import { escapeHtml, page, PAGE_HEADERS, pageCsp } from '../pages/html.js';

function html(
  reply: FastifyReply,
  framer: string | null,
  status: number,
  title: string,
  body: string,
): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', pageCsp(framer))
    .headers(PAGE_HEADERS)
    .send(page(title, body));
}

/**
 * The challenge was answered already. Still being authorised (an answer in flight, or one whose process died
 * and awaits recovery) is not "completed": the payer is told to reload.
 */
function finished(reply: FastifyReply, framer: string | null, t: Transaction, note: string): FastifyReply {
  const status = `<strong>${escapeHtml(t.status)}</strong>`;
  if (t.stage !== 'done') {
    return html(
      reply,
      framer,
      409,
      'Payment in progress',
      `<h1>Payment in progress</h1><p>This payment is ${status} while the card issuer's answer is recorded; ${note}. Reload this page in a moment.</p>`,
    );
  }
  return html(
    reply,
    framer,
    409,
    'Payment already completed',
    `<h1>Payment already completed</h1><p>This payment is ${status}; ${note}.</p>`,
  );
}

const Params = Type.Object({ transactionId: Type.String({ maxLength: 64 }) });

/**
 * The sandbox acquirer's simulated 3-D Secure challenge (what the issuer's ACS page is with a real acquirer):
 * shows the amount, the shop and the masked card; "Authenticate" passes, "Fail" fails. An unknown or finished
 * transaction is reported and nothing changes. Registered only for an acquirer with `simulatedChallenge`.
 *
 * Framing: the widget opens this page inside its iframe, so the shop page that opened that widget may frame it
 * (frame-ancestors checks every ancestor, the shop's page included, so 'self' would not do); nobody else may,
 * so no other page can dress "Authenticate" up as something to click.
 */
export function challengeRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const p = deps.payments;
  const framerOf = async (id: string) => (await deps.challengeFramer?.(id)) ?? null;

  r.get('/3ds/:transactionId', { schema: { hide: true, params: Params } }, async (request, reply) => {
    const framer = await framerOf(request.params.transactionId);
    const view = await viewChallenge(p, request.params.transactionId);
    if (view.kind === 'unknown') {
      return html(
        reply,
        framer,
        404,
        'Unknown payment',
        '<h1>Unknown payment</h1><p>There is no 3-D Secure challenge for this address.</p>',
      );
    }
    if (view.kind === 'final')
      return finished(reply, framer, view.transaction, 'the challenge can no longer be answered');
    const t = view.transaction;
    const id = escapeHtml(t.id);
    return html(
      reply,
      framer,
      200,
      '3-D Secure verification',
      `<h1>3-D Secure verification</h1>
<p class="note">Kartoteka sandbox — this page stands in for your bank's verification.</p>
<dl><dt>Shop</dt><dd id="shop">${escapeHtml(view.shop.name)}</dd>
<dt>Amount</dt><dd id="amount">${escapeHtml(formatMoney(t.amount, t.currency, 'en'))}</dd>
<dt>Card</dt><dd id="card">${escapeHtml(view.brand)} ${escapeHtml(view.maskedCard)}</dd>
<dt>Order</dt><dd>${escapeHtml(t.orderId)}</dd>${
        view.agreement
          ? `
<dt>Recurring payments</dt><dd id="agreement">${escapeHtml(describeAgreement(view.agreement, 'en'))}</dd>`
          : ''
      }</dl>${
        view.agreement
          ? '\n<p class="note" id="agreement-note">By authenticating you also agree that the shop charges this card on these terms, without asking you again.</p>'
          : ''
      }
<form method="post" action="/3ds/${id}" class="actions">
<button class="pass" name="result" value="pass" type="submit">Authenticate</button>
<button class="fail" name="result" value="fail" type="submit">Fail</button>
</form>`,
    );
  });

  r.post(
    '/3ds/:transactionId',
    {
      schema: {
        hide: true,
        params: Params,
        body: Type.Object({ result: Type.Union([Type.Literal('pass'), Type.Literal('fail')]) }),
      },
    },
    async (request, reply) => {
      const framer = await framerOf(request.params.transactionId);
      const result = await completeChallenge(p, request.params.transactionId, request.body.result === 'pass');
      if (result.kind === 'unknown') {
        return html(
          reply,
          framer,
          404,
          'Unknown payment',
          '<h1>Unknown payment</h1><p>Nothing was changed.</p>',
        );
      }
      if (result.kind === 'final') return finished(reply, framer, result.transaction, 'nothing was changed');
      if (result.redirectUrl)
        return reply.code(303).header('location', locationOf(result.redirectUrl)).send();
      return html(reply, framer, 200, 'Done', `<h1>Payment ${escapeHtml(result.transaction.status)}</h1>`);
    },
  );
}
