import type { FastifyInstance } from 'fastify';
import {
  receivesUpstreamNotifications,
  receiveUpstreamNotification,
} from '../../payments/upstream-notification.js';
import { envelope } from '../../wire/error-envelope.js';
import type { HttpDeps } from '../http-deps.js';
import { sendJson } from '../respond.js';

/**
 * `POST /kartoteka/<acquirer>/notify`: where the processor behind the gateway (imoje) sends its notifications
 * (the `notificationUrl` the connector gives it with every transaction). Outside imoje's `/v1/merchant/…`
 * names. The signature covers the exact bytes, so this scope reads the body raw.
 */
export function upstreamNotificationRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const acquirer = receivesUpstreamNotifications(deps.payments);
  if (!acquirer) return;
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.post(`/kartoteka/${acquirer}/notify`, { schema: { hide: true } }, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers['x-imoje-signature'];
      const answer = await receiveUpstreamNotification(
        deps.payments,
        body,
        typeof header === 'string' ? header : undefined,
      );
      if (answer === 'refused') {
        request.log.warn('upstream notification refused: its signature does not verify');
        return reply.code(401).send(envelope('upstreamSignatureInvalid', {}));
      }
      return sendJson(reply, { status: 'ok' });
    });
  });
}
