import type { FastifyInstance } from 'fastify';
import type { LoggedRequest } from '../payments/request-log.js';

/** Where a merchant scope's answered requests go (the dashboard's request log); unset: nowhere. */
export interface RequestLogSink {
  record(entry: LoggedRequest): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    loggedResponse?: string | null;
  }
}

/**
 * Hooks of an authenticated merchant scope: remember the answer's text as sent, and hand both over once the
 * response is out. Only references are kept here; masking and the write happen in the sink's batches.
 */
export function registerRequestLog(scope: FastifyInstance, sink: RequestLogSink, now: () => number): void {
  scope.addHook('onSend', async (request, _reply, payload) => {
    request.loggedResponse = typeof payload === 'string' ? payload : null;
    return payload;
  });
  scope.addHook('onResponse', async (request, reply) => {
    // A request that failed authentication has no merchant to be shown to.
    if (!request.merchantId) return;
    sink.record({
      merchantId: request.merchantId,
      at: now(),
      method: request.method,
      path: request.url,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime),
      body: request.body,
      response: request.loggedResponse ?? null,
    });
  });
}
