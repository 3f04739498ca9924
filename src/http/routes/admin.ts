import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { NotificationDesk } from '../../admin/notifications.js';
import { adminGuard } from '../admin-guard.js';
import type { AuthFailureThrottle } from '../auth-failures.js';
import { sendJson } from '../respond.js';

export interface AdminDeps {
  notifications: NotificationDesk;
  /** null: no admin token configured, so the admin endpoints do not exist (404). */
  adminToken: string | null;
  /** The same failed-attempt budget per address as the merchant API. */
  failures: AuthFailureThrottle;
  /** Wakes the in-process worker after a resend, so it goes out at once. */
  poke(): void;
}

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Operators' view of notifications: list by status, show one with its attempts, resend one. */
export function adminRoutes(deps: AdminDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    const token = deps.adminToken;
    if (!token) return;
    await app.register(
      async (admin) => {
        admin.addHook('onRequest', adminGuard(token, deps.failures));
        const r = admin.withTypeProvider<TypeBoxTypeProvider>();
        r.get(
          '/notifications',
          {
            schema: {
              hide: true,
              querystring: Type.Object({
                status: Type.Optional(
                  Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
                ),
                merchant: Type.Optional(Type.String({ maxLength: 64 })),
                transaction: Type.Optional(Type.String({ maxLength: 64 })),
                limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$|^1000$' })),
              }),
            },
          },
          async (request, reply) => {
            const q = request.query;
            const notifications = await deps.notifications.list({
              status: q.status,
              merchantId: q.merchant,
              transactionId: q.transaction,
              limit: q.limit === undefined ? undefined : Number(q.limit),
            });
            return sendJson(reply, { notifications });
          },
        );
        r.get('/notifications/:id', { schema: { hide: true, params: IdParams } }, async (request, reply) =>
          sendJson(reply, await deps.notifications.show(request.params.id)),
        );
        r.post(
          '/notifications/:id/resend',
          { schema: { hide: true, params: IdParams } },
          async (request, reply) => {
            const notification = await deps.notifications.resend(request.params.id);
            deps.poke();
            return sendJson(reply, { notification });
          },
        );
      },
      { prefix: '/admin' },
    );
  };
}
