import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  getInboxMessage,
  inboxMessagesSince,
  listInboxMessages,
  receiveInboxMessage,
  type InboxMessageView,
} from '../../payments/inbox.js';
import type { HttpDeps } from '../http-deps.js';
import { OpenStreams, serveEventStream } from '../event-stream.js';
import type { InboxFeed } from '../inbox-feed.js';
import { sendJson } from '../respond.js';
import { ErrorResponse, Uuid } from '../schemas/common.js';
import { InboxListQuery, InboxListResponse, InboxMessageResponse } from '../schemas/inbox.js';
import { pageLimit } from './list-query.js';

const errors = { 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };
export const INBOX_TAG = 'webhook inbox (Kartoteka, sandbox)';
/** The receiver's path: the sandbox shops' default notification URL is `{publicUrl}` followed by this. */
export const inboxPath = (shopId: string) => `/kartoteka/inbox/${shopId}`;

/** Messages received this long before the newest one sent are re-read, so a late commit isn't skipped. */
const STREAM_WINDOW_MS = 5_000;
const STREAM_POLL_MS = 1_000;
const STREAM_HEARTBEAT_MS = 15_000;

/** Server-sent event of one message: `id` is the message id (a reconnect's Last-Event-ID resumes after it). */
function sseEvent(m: InboxMessageView): string {
  return `id: ${m.id}\nevent: notification\ndata: ${JSON.stringify(m)}\n\n`;
}

/** The merchant's side: `/kartoteka/v1/merchant/{merchantId}/inbox…` (sandbox mode only). */
export function inboxRoutes(app: FastifyInstance, deps: HttpDeps, feed: InboxFeed): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const p = deps.payments;
  const streams = new OpenStreams();
  app.addHook('preClose', (done) => {
    streams.endAll();
    done();
  });

  r.get(
    '/inbox',
    {
      schema: {
        summary: "List what arrived at the sandbox's webhook inbox, newest first",
        tags: [INBOX_TAG],
        params: Type.Object({ merchantId: Type.String({ maxLength: 64 }) }),
        querystring: InboxListQuery,
        response: { 200: InboxListResponse, ...errors },
      },
    },
    async (request, reply) =>
      sendJson(
        reply,
        await listInboxMessages(p, request.merchantId, {
          cursor: request.query.cursor,
          limit: pageLimit(request.query.limit),
        }),
      ),
  );

  r.get(
    '/inbox/stream',
    {
      schema: {
        summary: 'Live stream (server-sent events) of the messages arriving in the inbox from now on',
        description:
          'text/event-stream: one `event: notification` per message, `data` the message as in GET /inbox/{id}, ' +
          '`id` the message id. A reconnect with `Last-Event-ID` resumes after that message. `kartoteka listen` ' +
          'relays these to a local URL.',
        tags: [INBOX_TAG],
        params: Type.Object({ merchantId: Type.String({ maxLength: 64 }) }),
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 401: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (request, reply) => {
      const merchantId = request.merchantId;
      let horizon = p.clock.now();
      const sent = new Map<string, number>();
      // What the client has already: everything received so far, or (resuming) up to its last message. The
      // window the stream re-reads is seeded with it, so it is not sent again.
      let seen = (m: InboxMessageView) => Date.parse(m.receivedAt) <= horizon;
      const lastId = request.headers['last-event-id'];
      if (typeof lastId === 'string' && lastId !== '') {
        const last = await getInboxMessage(p, merchantId, lastId).catch(() => null);
        if (last) {
          const lastAt = Date.parse(last.receivedAt);
          horizon = lastAt;
          seen = (m) => m.id === last.id || Date.parse(m.receivedAt) < lastAt;
        }
      }
      for (const m of await inboxMessagesSince(p, merchantId, horizon - STREAM_WINDOW_MS, 1000)) {
        if (seen(m)) sent.set(m.id, Date.parse(m.receivedAt));
      }
      serveEventStream(reply, request.log, {
        streams,
        subscribe: (wake) => feed.subscribe(merchantId, wake),
        pollMs: STREAM_POLL_MS,
        heartbeatMs: STREAM_HEARTBEAT_MS,
        pump: async (write) => {
          const messages = await inboxMessagesSince(p, merchantId, horizon - STREAM_WINDOW_MS, 1000);
          for (const m of messages) {
            if (sent.has(m.id)) continue;
            const at = Date.parse(m.receivedAt);
            sent.set(m.id, at);
            horizon = Math.max(horizon, at);
            write(sseEvent(m));
          }
          for (const [id, at] of sent) if (at < horizon - STREAM_WINDOW_MS) sent.delete(id);
        },
      });
    },
  );

  r.get(
    '/inbox/:messageId',
    {
      schema: {
        summary: 'Read one message of the inbox',
        tags: [INBOX_TAG],
        params: Type.Object({ merchantId: Type.String({ maxLength: 64 }), messageId: Uuid }),
        response: { 200: InboxMessageResponse, ...errors },
      },
    },
    async (request, reply) =>
      sendJson(reply, { message: await getInboxMessage(p, request.merchantId, request.params.messageId) }),
  );
}

const rawBodies = new WeakMap<object, Buffer>();

/**
 * The receiver itself, `POST /kartoteka/inbox/{shopId}`: reached by the outbox over HTTP like any shop's
 * endpoint, unauthenticated like one (the signature is what proves the sender). It keeps the raw bytes, so
 * its own body parser takes any content type as bytes.
 */
export async function inboxReceiverRoutes(app: FastifyInstance, deps: HttpDeps, feed: InboxFeed) {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
      rawBodies.set(request, body as Buffer);
      done(null, undefined);
    });
    const r = scope.withTypeProvider<TypeBoxTypeProvider>();
    r.post(
      inboxPath(':shopId'),
      {
        schema: {
          summary: "The sandbox shops' default notification URL: stores what arrives, answers 200",
          tags: [INBOX_TAG],
          security: [],
          params: Type.Object({ shopId: Uuid }),
          response: { 200: Type.Object({ status: Type.Literal('ok') }), 404: ErrorResponse },
        },
      },
      async (request, reply) => {
        const body = rawBodies.get(request) ?? Buffer.alloc(0);
        const { merchantId } = await receiveInboxMessage(
          deps.payments,
          request.params.shopId,
          request.headers,
          body,
        );
        feed.publish(merchantId);
        return sendJson(reply, { status: 'ok' });
      },
    );
  });
}
