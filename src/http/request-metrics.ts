import type { FastifyInstance } from 'fastify';

/** Where every answered request is recorded (the gateway's metrics). */
export interface RequestRecorder {
  requestAnswered(method: string, route: string, status: number, seconds: number): void;
}

/** The label of a request no route matched (a 404 from the not-found handler). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Labels by the route's pattern, never the URL: the URL holds merchant, transaction and profile ids (and
 * whatever a client typed), which would be unbounded labels and would leak into the scrape.
 */
export function registerRequestMetrics(app: FastifyInstance, recorder: RequestRecorder): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    recorder.requestAnswered(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
}
