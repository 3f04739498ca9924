import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldError } from '../domain/domain-error.js';
import type { ErrorKey } from '../domain/error-catalog.js';
import { patternMessage } from '../domain/field-rules.js';
import { maskCardNumbers, maskCardNumbersInJson } from '../domain/mask-card-numbers.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../payments/outage.js';
import { envelope } from '../wire/error-envelope.js';
import type { RouteMethods } from './route-methods.js';
import { ThrottledError } from './throttled-error.js';

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** AJV's `/card/number` becomes imoje's `card.number`; a missing property names the property itself. */
export function fieldErrors(validation: readonly AjvLikeError[], context?: string): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const v of validation) {
    let path = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    if (v.keyword === 'required' && typeof v.params?.missingProperty === 'string') {
      path = path ? `${path}.${v.params.missingProperty}` : v.params.missingProperty;
    }
    if (v.keyword === 'anyOf') continue; // the branch errors say more than "must match a schema in anyOf"
    if (v.keyword === 'type' && v.params?.type === 'null') continue; // from Nullable(): the other branch explains
    let message = v.message ?? 'is invalid';
    if (v.keyword === 'enum' && Array.isArray(v.params?.allowedValues)) {
      message = `must be one of ${(v.params.allowedValues as unknown[]).join(', ')}`;
    }
    // The widget and the paywall refuse the same value with the same words (domain/field-rules.ts).
    if (v.keyword === 'pattern' && typeof v.params?.pattern === 'string') {
      message = patternMessage(v.params.pattern) ?? message;
    }
    const property = path || (context === 'body' ? 'body' : (context ?? 'request'));
    const key = `${property}\0${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ property, message });
    }
  }
  return out;
}

/** Fastify's own client errors, mapped onto the catalog. */
const FASTIFY_CODES: Record<string, ErrorKey> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payloadTooLarge',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupportedMediaType',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformedJson',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformedJson',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformedJson',
  FST_ERR_BAD_URL: 'routeNotFound',
  FST_ERR_ASYNC_CONSTRAINT: 'routeNotFound',
};

/**
 * The last word on every error answer, whoever wrote it (the envelope, a framework message, an HTML page such as
 * the widget form re-shown with what the payer typed): no card number leaves in clear. Successes are left alone,
 * since they show the merchant's own stored data (an orderId may well be Luhn-valid).
 */
function maskErrorAnswer(reply: FastifyReply, payload: unknown): unknown {
  if (reply.statusCode < 400) return payload;
  const text =
    typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
  if (text === null || !/[0-9]{4}/.test(text)) return payload;
  const json = /^application\/(?:[a-z.+-]*\+)?json/i.test(String(reply.getHeader('content-type') ?? ''));
  const masked = json ? maskCardNumbersInJson(text) : maskCardNumbers(text);
  return masked === text ? payload : masked;
}

export function registerErrorHandling(app: FastifyInstance, routes: RouteMethods): void {
  app.addHook('onSend', async (_request, reply, payload) => maskErrorAnswer(reply, payload));
  app.setErrorHandler(
    (error: FastifyError | DomainError | Error, request: FastifyRequest, reply: FastifyReply) => {
      const body = request.body;
      if (error instanceof DomainError) {
        if (error instanceof ThrottledError) reply.header('retry-after', String(error.retryAfterSeconds));
        return reply.code(error.status).send(envelope(error, body));
      }
      const fe = error as FastifyError & { validationContext?: string };
      if (fe.validation) {
        return reply
          .code(422)
          .send(envelope('validation', body, fieldErrors(fe.validation, fe.validationContext)));
      }
      const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
      if (mapped) {
        const e = new DomainError(mapped);
        return reply.code(e.status).send(envelope(e, mapped === 'payloadTooLarge' ? {} : body));
      }
      if (isDatabaseUnavailable(error)) {
        request.log.warn({ err: error }, 'database unavailable');
        return reply
          .code(503)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .send(envelope('unavailable', body));
      }
      if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
        return reply
          .code(fe.statusCode === 400 ? 422 : fe.statusCode)
          .send(envelope('validation', body, [{ property: 'request', message: fe.message }]));
      }
      request.log.error({ err: error }, 'unhandled error');
      return reply.code(500).send(envelope('internal', body));
    },
  );

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // A path some route has, asked with a method none of them answers: 405, naming the methods it has.
    const allowed = routes.allowed(path);
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send(
          envelope('methodNotAllowed', request.body, [
            {
              property: 'method',
              message: `${request.method} ${path} is not allowed; use ${allowed.join(', ')}.`,
            },
          ]),
        );
    }
    return reply
      .code(404)
      .send(
        envelope('routeNotFound', request.body, [
          { property: 'path', message: `${request.method} ${path} does not exist.` },
        ]),
      );
  });
}

/** Errors the router raises before any hook runs (absurd path parameters, undecodable URLs). */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const key: ErrorKey =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'uriTooLong'
      : error.code === 'FST_ERR_BAD_URL'
        ? 'routeNotFound'
        : 'validation';
  const e = new DomainError(key);
  // No hook has run, so the one that sets X-Request-Id has not either.
  void reply.code(e.status).header('x-request-id', request.id).send(envelope(e, request.body));
}
