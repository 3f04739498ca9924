import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { validationError } from '../../domain/domain-error.js';
import { resumePreauthorization, settlePreauthorization } from '../../payments/capture.js';
import { canRefund } from '../../payments/can-refund.js';
import { refundTransaction } from '../../payments/refund.js';
import type { HttpDeps } from '../http-deps.js';
import { paymentView } from '../payment-view.js';
import { respond, sendJson } from '../respond.js';
import { resumedView } from '../resumed-view.js';
import { CanRefundBody, CanRefundResponse, CaptureBody, RefundBody } from '../schemas/actions.js';
import { ErrorResponse } from '../schemas/common.js';
import { TransactionParams, TransactionResponse } from '../schemas/transaction.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
};

/** Void takes no fields; real clients send no body, `{}` or `[]`. */
function assertEmptyBody(body: unknown): void {
  const empty =
    body === undefined ||
    body === null ||
    (Array.isArray(body) && body.length === 0) ||
    (typeof body === 'object' && !Array.isArray(body));
  if (!empty) throw validationError('body', 'Expected no body, {} or [].');
}

export function transactionActionRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const p = deps.payments;

  r.post(
    '/transaction/:transactionId/refund',
    {
      schema: {
        summary: 'Refund a settled sale, fully or partially (several partial refunds up to the sale amount)',
        tags: ['refunds'],
        params: TransactionParams,
        body: RefundBody,
        response: { 200: TransactionResponse, ...errors },
      },
    },
    async (request, reply) =>
      respond(
        deps.idempotency,
        request,
        reply,
        async (ctx) => {
          // The same view as GET /transaction/{id} and the notification: the sale's profile included.
          return paymentView(
            await refundTransaction(p, request.merchantId, request.params.transactionId, request.body, ctx),
          );
        },
        (id) => resumedView(p, request.merchantId, id),
      ),
  );

  r.post(
    '/transaction/:transactionId/can-refund',
    {
      schema: {
        summary: 'Whether an amount can be refunded, and the refundable balance',
        tags: ['refunds'],
        params: TransactionParams,
        body: CanRefundBody,
        response: { 200: CanRefundResponse, ...errors },
      },
    },
    async (request, reply) =>
      sendJson(
        reply,
        await canRefund(p, request.merchantId, request.params.transactionId, request.body.amount),
      ),
  );

  r.post(
    '/transaction/:transactionId/capture',
    {
      schema: {
        summary:
          'Capture an authorized (pre-authorised) card payment, wholly or in part (`amount`): it becomes settled',
        description:
          'Without a body (or with `{}`, `[]`) the whole authorised amount is captured, as imoje does. With ' +
          '`{amount}` (at most the authorised amount) that amount is captured and the rest of the hold is ' +
          'released; the settled transaction, its notification and its refundable balance then show the ' +
          'captured amount.',
        tags: ['pre-authorisation'],
        params: TransactionParams,
        body: CaptureBody,
        response: { 200: TransactionResponse, ...errors },
      },
      // No body at all is how most clients capture; validated as `null`, which is also what the
      // Idempotency-Key's request hash has always taken a missing body for.
      preValidation: async (request) => {
        if (request.body === undefined) request.body = null;
      },
    },
    async (request, reply) => {
      const body = request.body as { amount?: number | null } | unknown[] | undefined | null;
      const amount = body && !Array.isArray(body) ? (body.amount ?? undefined) : undefined;
      return respond(
        deps.idempotency,
        request,
        reply,
        async (ctx) =>
          paymentView(
            await settlePreauthorization(
              p,
              request.merchantId,
              request.params.transactionId,
              'capture',
              ctx,
              {
                amount,
              },
            ),
          ),
        async (id) => {
          const resumed = await resumePreauthorization(p, request.merchantId, id, 'capture', { amount });
          return resumed && paymentView(resumed);
        },
      );
    },
  );

  r.post(
    '/transaction/:transactionId/void',
    {
      schema: {
        summary: 'Void an authorized (pre-authorised) card payment: it becomes cancelled',
        tags: ['pre-authorisation'],
        params: TransactionParams,
        response: { 200: TransactionResponse, ...errors },
      },
    },
    async (request, reply) => {
      assertEmptyBody(request.body);
      return respond(
        deps.idempotency,
        request,
        reply,
        async (ctx) =>
          paymentView(
            await settlePreauthorization(p, request.merchantId, request.params.transactionId, 'void', ctx),
          ),
        async (id) => {
          const resumed = await resumePreauthorization(p, request.merchantId, id, 'void');
          return resumed && paymentView(resumed);
        },
      );
    },
  );
}
