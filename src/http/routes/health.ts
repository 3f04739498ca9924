import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.js';
import { sendJson } from '../respond.js';
import { envelope } from '../error-envelope.js';

/** Liveness says the process serves; readiness also checks the database, for load balancers. */
export function healthRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get('/health/live', { schema: { hide: true } }, async (_request, reply) =>
    sendJson(reply, { status: 'ok' }),
  );
  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await deps.payments.storage.ping();
      return sendJson(reply, { status: 'ok', database: deps.payments.storage.dialect });
    } catch {
      return reply.code(503).send(envelope('unavailable', {}));
    }
  });
}
