import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { clientErrorHandler, MAX_HEADER_BYTES, registerRequestLimits } from './abuse-limits.js';
import { registerBodyParsers } from './body-parsers.js';
import { registerEmptyAsAbsent } from './empty-as-absent.js';
import { frameworkErrors, registerErrorHandling } from './error-handler.js';
import type { HttpDeps } from './http-deps.js';
import { registerInputGuards } from './input-guards.js';
import { registerOpenApi } from './openapi.js';
import { registerRequestId, requestId } from './request-id.js';
import { registerCardDataIntake } from './card-data-intake.js';
import { registerRequestMetrics } from './request-metrics.js';
import { registerRequestLog } from './request-log.js';
import { recordRouteMethods, ROUTER_OPTIONS } from './route-methods.js';
import { scheduleRoutes } from './routes/schedules.js';
import { landingRoutes } from './pages/landing.js';
import { agreementRoutes } from './routes/agreements.js';
import { challengeRoutes } from './routes/challenge.js';
import { healthRoutes } from './routes/health.js';
import { InboxFeed } from './inbox-feed.js';
import { inboxReceiverRoutes, inboxRoutes } from './routes/inbox.js';
import { notificationRoutes } from './routes/notifications.js';
import { methodLogoRoutes } from './routes/method-logos.js';
import { paymentLinkRoutes } from './routes/payment-links.js';
import { profileRoutes } from './routes/profiles.js';
import { serviceRoutes } from './routes/services.js';
import { testClockRoutes } from './routes/test-clock.js';
import { transactionActionRoutes } from './routes/transaction-actions.js';
import { transactionRoutes } from './routes/transactions.js';
import { transactionListRoutes } from './routes/transaction-list.js';
import { upstreamNotificationRoutes } from './routes/upstream-notifications.js';
import { processorReturnRoutes } from './routes/processor-return.js';

export interface HttpExtensions {
  /** Extra route groups registered at the root (widget, admin, docs), added by the composition root. */
  plugins?: Array<(app: FastifyInstance) => void | Promise<void>>;
  /** Extra merchant API routes, registered under /v1/merchant/:merchantId behind authentication. */
  merchantRoutes?: Array<(app: FastifyInstance) => void | Promise<void>>;
}

/** Builds the HTTP app without listening, so tests can run it in-process or on a real port. */
export async function buildHttpApp(
  deps: HttpDeps,
  logger: PinoLogger,
  ext: HttpExtensions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes,
    requestTimeout: deps.requestTimeoutMs,
    // Node checks request timeouts on this interval (30 s by default), so a short timeout needs a short interval.
    http: {
      maxHeaderSize: MAX_HEADER_BYTES,
      // Node would answer a missing Host with a bare 400; registerRequestLimits answers it with the envelope.
      requireHostHeader: false,
      connectionsCheckingInterval: Math.min(1000, deps.requestTimeoutMs),
    },
    clientErrorHandler,
    frameworkErrors,
    return503OnClosing: true,
    trustProxy: deps.trustProxy,
    // Every request's log lines carry this id under Fastify's default key, `reqId` (docs/operations.md).
    genReqId: requestId,
    routerOptions: { ...ROUTER_OPTIONS },
    ajv: {
      customOptions: { coerceTypes: false, allErrors: true, removeAdditional: false, useDefaults: false },
    },
  });
  // Before any route: a known path asked with another method is a 405 with `Allow`, not a 404.
  const routeMethods = recordRouteMethods(app);
  registerRequestId(app);
  if (deps.requests) registerRequestMetrics(app, deps.requests);
  registerBodyParsers(app);
  registerCardDataIntake(app);
  registerInputGuards(app);
  registerEmptyAsAbsent(app);
  registerErrorHandling(app, routeMethods);
  registerRequestLimits(app, deps.requestTimeoutMs);
  await registerOpenApi(app);
  for (const plugin of ext.plugins ?? []) await plugin(app);

  await app.register(
    async (merchant) => {
      merchant.addHook('onRequest', (request) => deps.auth.authenticate(request));
      if (deps.requestLog) registerRequestLog(merchant, deps.requestLog, () => deps.payments.clock.now());
      transactionRoutes(merchant, deps);
      transactionActionRoutes(merchant, deps);
      profileRoutes(merchant, deps);
      serviceRoutes(merchant, deps);
      paymentLinkRoutes(merchant, deps);
      for (const extra of ext.merchantRoutes ?? []) await extra(merchant);
    },
    { prefix: '/v1/merchant/:merchantId' },
  );
  // Kartoteka's own extensions: the same merchant bearer auth, under their own prefix (never in imoje's shapes).
  // The webhook inbox exists in sandbox mode only.
  const inboxFeed = deps.mode === 'sandbox' ? new InboxFeed() : null;
  await app.register(
    async (extension) => {
      extension.addHook('onRequest', (request) => deps.auth.authenticate(request));
      if (deps.requestLog) registerRequestLog(extension, deps.requestLog, () => deps.payments.clock.now());
      transactionListRoutes(extension, deps);
      notificationRoutes(extension, deps);
      agreementRoutes(extension, deps);
      if (inboxFeed) inboxRoutes(extension, deps, inboxFeed);
      scheduleRoutes(extension, deps);
      if (deps.testClocks) testClockRoutes(extension, deps, deps.testClocks);
    },
    { prefix: '/kartoteka/v1/merchant/:merchantId' },
  );
  if (inboxFeed) await inboxReceiverRoutes(app, deps, inboxFeed);
  // The simulated 3-D Secure page passes any challenge it is asked to: it exists only beside the acquirer
  // that simulates one (the sandbox), never in front of a real one.
  if (deps.payments.acquirer.simulatedChallenge) challengeRoutes(app, deps);
  healthRoutes(app, deps);
  upstreamNotificationRoutes(app, deps);
  processorReturnRoutes(app, deps);
  methodLogoRoutes(app);
  if (deps.landing) landingRoutes(app, deps.landing, deps.payments.publicUrl);
  return app;
}
