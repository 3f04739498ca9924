import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, validationError } from '../domain/domain-error.js';
import type { RequestContext } from '../payments/deps.js';
import { requestHash, type Idempotency, type StoredResponse } from '../payments/idempotency.js';
import { envelope } from '../wire/error-envelope.js';

const JSON_TYPE = 'application/json; charset=utf-8';

export type Resume = (transactionId: string) => Promise<object | undefined>;

/**
 * Runs a POST handler under its `Idempotency-Key` (when sent) and writes the response. Responses are
 * serialised here, once, so a replay is byte-for-byte the first answer.
 */
export async function respond(
  idempotency: Idempotency,
  request: FastifyRequest,
  reply: FastifyReply,
  run: (ctx: RequestContext) => Promise<object>,
  resume?: Resume,
): Promise<FastifyReply> {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) {
    return reply
      .code(200)
      .type(JSON_TYPE)
      .send(JSON.stringify(await run({})));
  }
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw validationError('Idempotency-Key', 'Must be 1 to 255 visible ASCII characters.');
  }
  const path = request.url.split('?')[0] ?? request.url;
  const hash = requestHash(request.method, path, request.body);
  /**
   * A client error (4xx) is an answer, stored under the key like a success; a server fault is thrown, and so
   * is a refusal to retry later (something was in progress), which must not become the key's answer for good.
   */
  const answer = async (work: () => Promise<object | undefined>): Promise<StoredResponse | undefined> => {
    try {
      const body = await work();
      return body ? { status: 200, body: JSON.stringify(body) } : undefined;
    } catch (err) {
      if (err instanceof DomainError && err.status < 500 && !err.retryLater) {
        return { status: err.status, body: JSON.stringify(envelope(err, request.body)) };
      }
      throw err;
    }
  };
  const execute = async (ctx: RequestContext): Promise<StoredResponse> => (await answer(() => run(ctx)))!;
  const resumeStored = async (transactionId: string): Promise<StoredResponse | undefined> =>
    resume ? answer(() => resume(transactionId)) : undefined;
  const result = await idempotency.run(request.merchantId, key, hash, execute, resumeStored);
  return reply
    .code(result.status)
    .type(JSON_TYPE)
    .header('idempotent-replayed', String(result.replayed))
    .send(result.body);
}

export function sendJson(reply: FastifyReply, body: object): FastifyReply {
  return reply.code(200).type(JSON_TYPE).send(JSON.stringify(body));
}
