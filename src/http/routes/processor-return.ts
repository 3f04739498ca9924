import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  returnFromProcessorChallenge,
  returnsFromProcessorChallenge,
} from '../../payments/processor-return.js';
import type { HttpDeps } from '../http-deps.js';
import { locationOf } from '../../html/location.js';
import { escapeHtml, page, PAGE_HEADERS, pageCsp } from '../pages/html.js';

const Params = Type.Object({ transactionId: Type.String({ maxLength: 64 }) });

function html(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', pageCsp(null))
    .headers(PAGE_HEADERS)
    .send(page(title, body));
}

/**
 * `GET /kartoteka/<acquirer>/return/{transactionId}`: where the processor's 3-D Secure page (imoje upstream)
 * sends the payer's browser back. The payment is finalised with the processor's outcome and the browser goes
 * on to the shop's own success or failure URL. Outside imoje's names, like the notification endpoint; served
 * only beside an acquirer whose challenge happens at the processor.
 */
export function processorReturnRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const acquirer = returnsFromProcessorChallenge(deps.payments);
  if (!acquirer) return;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    `/kartoteka/${acquirer}/return/:transactionId`,
    { schema: { hide: true, params: Params } },
    async (request, reply) => {
      const back = await returnFromProcessorChallenge(deps.payments, request.params.transactionId);
      switch (back.kind) {
        case 'redirect':
          return reply
            .code(303)
            .header('location', locationOf(back.url))
            .header('cache-control', 'no-store')
            .send();
        case 'unknown':
          return html(
            reply,
            404,
            'Unknown payment',
            '<h1>Unknown payment</h1><p>There is no payment here.</p>',
          );
        case 'final':
          return html(
            reply,
            200,
            'Payment finished',
            `<h1>Payment finished</h1><p>This payment is <strong>${escapeHtml(back.transaction.status)}</strong>.</p>`,
          );
        case 'waiting':
          return html(
            reply,
            202,
            'Payment in progress',
            `<h1>Payment in progress</h1><p>Your bank's answer is not recorded yet.</p>` +
              `<p><a href="${escapeHtml(request.url)}">Check again</a></p>`,
          );
      }
    },
  );
}
