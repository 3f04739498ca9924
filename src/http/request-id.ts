import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { newId } from '../domain/ids.js';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A caller's (or its load balancer's) `X-Request-Id` is kept when it is a plain token, so one id follows a
 * request across systems; anything else (too long, spaces, quotes, control characters that could forge log
 * lines or headers) is replaced by a fresh id.
 */
const SANE = /^[A-Za-z0-9._-]{1,64}$/;

/** Fastify's `genReqId`: the id every log line of the request carries (as `reqId`) and the response echoes. */
export function requestId(req: IncomingMessage): string {
  const sent = req.headers[REQUEST_ID_HEADER];
  return typeof sent === 'string' && SANE.test(sent) ? sent : newId();
}

/**
 * The id of the request whose work is running, for the log lines written through the gateway's root logger (the
 * use cases, the acquirer guard) rather than the request's own: src/logger.ts adds it to them.
 */
const current = new AsyncLocalStorage<string>();

export function currentRequestId(): string | undefined {
  return current.getStore();
}

/**
 * Every answer carries its request's id, errors and 404s included (set first, before anything can fail), and the
 * rest of the request (hooks, body parsing, handler, the use cases it calls) runs with the id in its async context.
 */
export function registerRequestId(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    current.run(request.id, done);
  });
}
