import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { formatAmount } from '../../domain/money.js';
import type { Transaction } from '../../domain/transaction.js';
import { completeChallenge, viewChallenge } from '../../payments/challenge.js';
import type { HttpDeps } from '../http-deps.js';
import { escapeHtml, page, PAGE_CSP } from '../pages/html.js';

function html(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', PAGE_CSP)
    .header('cache-control', 'no-store')
    .send(page(title, body));
}

/**
 * The challenge was answered already. Still being authorised (an answer in flight, or one whose process died
 * and awaits recovery) is not "completed": the payer is told to reload.
 */
function finished(reply: FastifyReply, t: Transaction, note: string): FastifyReply {
  const status = `<strong>${escapeHtml(t.status)}</strong>`;
  if (t.stage !== 'done') {
    return html(
      reply,
      409,
      'Payment in progress',
      `<h1>Payment in progress</h1><p>This payment is ${status} while the card issuer's answer is recorded; ${note}. Reload this page in a moment.</p>`,
    );
  }
  return html(
    reply,
    409,
    'Payment already completed',
    `<h1>Payment already completed</h1><p>This payment is ${status}; ${note}.</p>`,
  );
}

const Params = Type.Object({ transactionId: Type.String({ maxLength: 64 }) });

/**
 * The sandbox's 3-D Secure challenge (what an issuer's ACS page is in production): shows the amount, the shop
 * and the masked card; "Authenticate" passes, "Fail" fails. An unknown or finished transaction is reported and
 * nothing changes.
 */
export function challengeRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const p = deps.payments;

  r.get('/3ds/:transactionId', { schema: { hide: true, params: Params } }, async (request, reply) => {
    const view = await viewChallenge(p, request.params.transactionId);
    if (view.kind === 'unknown') {
      return html(
        reply,
        404,
        'Unknown payment',
        '<h1>Unknown payment</h1><p>There is no 3-D Secure challenge for this address.</p>',
      );
    }
    if (view.kind === 'final')
      return finished(reply, view.transaction, 'the challenge can no longer be answered');
    const t = view.transaction;
    const id = escapeHtml(t.id);
    return html(
      reply,
      200,
      '3-D Secure verification',
      `<h1>3-D Secure verification</h1>
<p class="note">Kartoteka sandbox — this page stands in for your bank's verification.</p>
<dl><dt>Shop</dt><dd id="shop">${escapeHtml(view.shop.name)}</dd>
<dt>Amount</dt><dd id="amount">${escapeHtml(formatAmount(t.amount, t.currency))}</dd>
<dt>Card</dt><dd id="card">${escapeHtml(view.brand)} ${escapeHtml(view.maskedCard)}</dd>
<dt>Order</dt><dd>${escapeHtml(t.orderId)}</dd></dl>
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
      const result = await completeChallenge(p, request.params.transactionId, request.body.result === 'pass');
      if (result.kind === 'unknown') {
        return html(reply, 404, 'Unknown payment', '<h1>Unknown payment</h1><p>Nothing was changed.</p>');
      }
      if (result.kind === 'final') return finished(reply, result.transaction, 'nothing was changed');
      if (result.redirectUrl) return reply.code(303).header('location', result.redirectUrl).send();
      return html(reply, 200, 'Done', `<h1>Payment ${escapeHtml(result.transaction.status)}</h1>`);
    },
  );
}
