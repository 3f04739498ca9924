import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  getMerchantNotification,
  listMerchantNotifications,
  resendMerchantNotification,
} from '../../payments/notifications.js';
import type { HttpDeps } from '../http-deps.js';
import { sendJson } from '../respond.js';
import { ErrorResponse, Uuid } from '../schemas/common.js';
import {
  NotificationListQuery,
  NotificationListResponse,
  NotificationResponse,
} from '../schemas/notification.js';
import { pageLimit, timeBound } from './list-query.js';

const errors = { 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };
const ById = Type.Object({ merchantId: Type.String({ maxLength: 64 }), notificationId: Uuid });
const TAG = 'notifications (Kartoteka)';

/** The merchant's outbox: `/kartoteka/v1/merchant/{merchantId}/notifications…` (an extension, not imoje). */
export function notificationRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const p = deps.payments;

  r.get(
    '/notifications',
    {
      schema: {
        summary: "List the notifications of the merchant's shops, newest first, with every delivery attempt",
        tags: [TAG],
        params: Type.Object({ merchantId: Type.String({ maxLength: 64 }) }),
        querystring: NotificationListQuery,
        response: { 200: NotificationListResponse, ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      return sendJson(
        reply,
        await listMerchantNotifications(p, request.merchantId, {
          status: q.status,
          transactionId: q.transactionId,
          from: timeBound('from', q.from),
          to: timeBound('to', q.to),
          cursor: q.cursor,
          limit: pageLimit(q.limit),
        }),
      );
    },
  );

  r.get(
    '/notifications/:notificationId',
    {
      schema: {
        summary: 'Read a notification with its delivery attempts',
        tags: [TAG],
        params: ById,
        response: { 200: NotificationResponse, ...errors },
      },
    },
    async (request, reply) =>
      sendJson(reply, {
        notification: await getMerchantNotification(p, request.merchantId, request.params.notificationId),
      }),
  );

  r.post(
    '/notifications/:notificationId/resend',
    {
      schema: {
        summary: 'Send a notification again now (the same signed body; the attempt is recorded)',
        tags: [TAG],
        params: ById,
        response: { 200: NotificationResponse, ...errors },
      },
    },
    async (request, reply) =>
      sendJson(reply, {
        notification: await resendMerchantNotification(p, request.merchantId, request.params.notificationId),
      }),
  );
}
