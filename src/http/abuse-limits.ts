import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/domain-error.js';
import type { ErrorKey } from '../domain/error-catalog.js';
import { envelope } from '../wire/error-envelope.js';

export const MAX_URL_LENGTH = 2048;
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers too large, a request that takes
 * too long to arrive, garbage on the wire) still get the error envelope, written straight to the socket.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const key: ErrorKey =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'requestTimeout'
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? 'headerTooLarge'
        : err.code === 'HPE_URI_TOO_LONG'
          ? 'uriTooLong'
          : 'badRequest';
  const e = new DomainError(key);
  const body = JSON.stringify(envelope(e, {}));
  // A HEAD request (even a malformed one) gets no body: its client would read the body as a next response.
  const head = (err as { rawPacket?: unknown }).rawPacket;
  const isHead = Buffer.isBuffer(head) && head.subarray(0, 5).toString('latin1') === 'HEAD ';
  socket.end(
    `HTTP/1.1 ${e.status} ${e.message}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${isHead ? '' : body}`,
  );
}

/**
 * Node's own answer to an HTTP/1.1 request without a `Host` header is a bare `400` with no body; the server is
 * built with `requireHostHeader: false` (app.ts) so that the check is made here, with the same rule (HTTP/1.1
 * only, header absent; RFC 9112 §3.2) and the error envelope. Like Node, the connection is then closed.
 */
function refuseWithoutHost(request: FastifyRequest, reply: FastifyReply): void {
  const raw = request.raw;
  if (raw.httpVersionMajor !== 1 || raw.httpVersionMinor !== 1 || raw.headers.host !== undefined) return;
  reply.header('connection', 'close');
  throw new DomainError('badRequest', [
    { property: 'headers.host', message: 'An HTTP/1.1 request must carry a Host header.' },
  ]);
}

/**
 * Refuses HTTP/1.1 requests without a Host and overlong URLs before routing, and bounds how long a request body
 * may take to arrive (Node's own request timeout covers slow headers but lets a routed request trickle its body
 * in indefinitely).
 */
export function registerRequestLimits(app: FastifyInstance, bodyTimeoutMs: number): void {
  app.addHook('onRequest', async (request, reply) => {
    refuseWithoutHost(request, reply);
    if (request.raw.url && request.raw.url.length > MAX_URL_LENGTH) throw new DomainError('uriTooLong');
    const raw = request.raw;
    if (raw.complete || (!raw.headers['content-length'] && !raw.headers['transfer-encoding'])) return;
    const timer = setTimeout(() => {
      if (!raw.complete)
        clientErrorHandler(
          Object.assign(new Error('body timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }),
          raw.socket,
        );
    }, bodyTimeoutMs);
    timer.unref();
    raw.once('end', () => clearTimeout(timer));
    raw.once('close', () => clearTimeout(timer));
  });
}
