import type { FastifyInstance } from 'fastify';
import { adminGuard } from '../admin-guard.js';
import type { AuthFailureThrottle } from '../auth-failures.js';

/** The gateway's metrics in Prometheus' text format (src/metrics/). */
export interface MetricsExposition {
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsRouteDeps {
  metrics: MetricsExposition;
  /** null: no admin token configured, so `/metrics` does not exist (404), like `/admin`. */
  adminToken: string | null;
  failures: AuthFailureThrottle;
}

/**
 * `GET /metrics`, a Kartoteka extension outside imoje's `/v1/merchant` surface, behind the admin token: the
 * scrape names routes, connectors and volumes, which is operators' business, not the internet's.
 */
export function metricsRoute(deps: MetricsRouteDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    const token = deps.adminToken;
    if (!token) return;
    await app.register(async (scope) => {
      scope.addHook('onRequest', adminGuard(token, deps.failures));
      scope.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
        const { contentType, body } = await deps.metrics.render();
        return reply.code(200).type(contentType).send(body);
      });
    });
  };
}
