import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createCardTransaction } from '../../payments/create-card-transaction.js';
import { debitProfile } from '../../payments/debit-profile.js';
import { readTransaction } from '../../payments/read-transaction.js';
import { transactionView } from '../../wire/transaction-view.js';
import { agreementStatusOf, agreementView } from '../../wire/agreement-view.js';
import type { HttpDeps } from '../http-deps.js';
import { paymentView } from '../payment-view.js';
import { respond, sendJson } from '../respond.js';
import { resumedView } from '../resumed-view.js';
import { ErrorResponse, MerchantParams } from '../schemas/common.js';
import {
  CreateTransactionBody,
  DebitProfileBody,
  TransactionParams,
  TransactionResponse,
} from '../schemas/transaction.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
};

export function transactionRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const p = deps.payments;

  r.post(
    '/transaction',
    {
      schema: {
        summary:
          'Create a card transaction: one-off 3-D Secure payment, card registration, FIRST or STANDARD',
        tags: ['transactions'],
        params: MerchantParams,
        body: CreateTransactionBody,
        response: { 200: TransactionResponse, ...errors },
      },
    },
    async (request, reply) =>
      respond(
        deps.idempotency,
        request,
        reply,
        async (ctx) => {
          const created = await createCardTransaction(p, request.merchantId, request.body, ctx);
          const view = created.action
            ? { ...paymentView(created), action: created.action }
            : paymentView(created);
          // Only a registration that declared an agreement shows one: imoje's answer is otherwise unchanged.
          if (!created.agreement) return view;
          const status = agreementStatusOf(created.transaction.status);
          return { ...view, agreement: agreementView(created.agreement, status) };
        },
        (id) => resumedView(p, request.merchantId, id),
      ),
  );

  r.post(
    '/transaction/profile',
    {
      schema: {
        summary: 'Debit a stored card profile (OneClick or recurring)',
        tags: ['profiles'],
        params: MerchantParams,
        body: DebitProfileBody,
        response: { 200: TransactionResponse, ...errors },
      },
    },
    async (request, reply) =>
      respond(
        deps.idempotency,
        request,
        reply,
        async (ctx) => {
          return paymentView(await debitProfile(p, request.merchantId, request.body, ctx));
        },
        (id) => resumedView(p, request.merchantId, id),
      ),
  );

  r.get(
    '/transaction/:transactionId',
    {
      schema: {
        summary: 'Read a transaction, with its refunds',
        tags: ['transactions'],
        params: TransactionParams,
        response: { 200: TransactionResponse, ...errors },
      },
    },
    async (request, reply) => {
      const d = await readTransaction(p, request.merchantId, request.params.transactionId);
      return sendJson(reply, {
        transaction: transactionView(d.transaction, {
          profile: d.profile,
          // imoje-api.md §3.2: every read carries `refunds`, a refund's always `[]` (a refund has none).
          refunds: d.refunds,
          shopNotificationUrl: d.shopNotificationUrl,
        }),
      });
    },
  );
}
