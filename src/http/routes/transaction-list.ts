import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TransactionStatus } from '../../domain/transaction.js';
import { listTransactions } from '../../payments/list-transactions.js';
import { transactionTimeline } from '../../payments/transaction-timeline.js';
import { transactionView } from '../../wire/transaction-view.js';
import type { HttpDeps } from '../http-deps.js';
import { sendJson } from '../respond.js';
import { ErrorResponse } from '../schemas/common.js';
import { TransactionParams } from '../schemas/transaction.js';
import {
  TimelineResponse,
  TransactionListQuery,
  TransactionListResponse,
} from '../schemas/transaction-list.js';
import { Type } from '@sinclair/typebox';

const errors = { 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };
const TAG = 'kartoteka: transaction search';
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const ms = (v: string | undefined) => (v === undefined ? undefined : Number(v) * 1000);
const masked = (card: { brand: string; last4: string } | null) =>
  card ? { brand: card.brand, maskedNumber: `****${card.last4}` } : null;

/** Kartoteka's extension (`/kartoteka/v1/merchant/{merchantId}/…`): listing and a transaction's history. */
export function transactionListRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const p = deps.payments;

  r.get(
    '/transactions',
    {
      schema: {
        summary: 'List and search transactions, newest first, cursor-paginated',
        tags: [TAG],
        params: Type.Object({ merchantId: Type.String({ maxLength: 64 }) }),
        querystring: TransactionListQuery,
        response: { 200: TransactionListResponse, ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await listTransactions(p, request.merchantId, {
        status: q.status as TransactionStatus | undefined,
        type: q.type,
        orderId: q.orderId,
        cid: q.cid,
        amountMin: num(q.amountMin),
        amountMax: num(q.amountMax),
        createdFrom: ms(q.createdFrom),
        createdTo: ms(q.createdTo),
        cursor: q.cursor,
        limit: num(q.limit),
      });
      return sendJson(reply, {
        transactions: page.transactions.map((t) => ({
          transaction: transactionView(t, {
            shopNotificationUrl: page.shopNotificationUrls.get(t.serviceId),
          }),
          cid: t.customer?.cid ?? null,
          card: masked(t.card),
        })),
        nextCursor: page.nextCursor,
      });
    },
  );

  r.get(
    '/transactions/:transactionId/timeline',
    {
      schema: {
        summary:
          "A transaction's history: created, 3-D Secure, status changes, refunds, notification attempts",
        tags: [TAG],
        params: TransactionParams,
        response: { 200: TimelineResponse, ...errors },
      },
    },
    async (request, reply) => {
      const t = await transactionTimeline(p, request.merchantId, request.params.transactionId);
      return sendJson(reply, {
        transaction: transactionView(t.transaction),
        card: masked(t.card),
        refunds: t.refunds.map((r) => transactionView(r)),
        timeline: t.entries,
        notifications: t.notifications,
      });
    },
  );
}
