import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.js';
import { sendJson } from '../respond.js';
import { envelope } from '../../wire/error-envelope.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../../payments/outage.js';
import { databaseReady } from '../../payments/readiness.js';

/** Liveness says the process serves; readiness also checks the database, for load balancers. */
export function healthRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get('/health/live', { schema: { hide: true } }, async (_request, reply) =>
    sendJson(reply, { status: 'ok' }),
  );
  app.get('/health/ready', { schema: { hide: true } }, async (request, reply) => {
    try {
      return sendJson(reply, { status: 'ok', database: await databaseReady(deps.payments) });
    } catch (err) {
      // Not ready, whatever the reason: a load balancer must stop sending traffic here. An outage is expected
      // and logged as a warning; anything else is a fault worth an error line.
      if (isDatabaseUnavailable(err)) request.log.warn({ err }, 'readiness: database unavailable');
      else request.log.error({ err }, 'readiness check failed');
      return reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send(envelope('unavailable', {}));
    }
  });
}
