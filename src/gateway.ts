import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { createAcquirer } from './acquirer/registry.js';
import type { Acquirer } from './acquirer/acquirer.js';
import { GuardedAcquirer } from './acquirer/guarded-acquirer.js';
import {
  Accounts,
  bootstrapSandbox,
  fixedSandboxMismatch,
  type SandboxCredentials,
} from './admin/accounts.js';
import { openMasterKey } from './admin/master-keys.js';
import { notificationDesk } from './admin/notifications.js';
import { ConfigError, type Config } from './config/config.js';
import { systemClock, type Clock } from './domain/clock.js';
import { Authenticator } from './http/auth.js';
import { AuthFailureThrottle } from './http/auth-failures.js';
import { buildHttpApp } from './http/app.js';
import { KARTOTEKA_VERSION } from './http/openapi.js';
import { adminRoutes } from './http/routes/admin.js';
import { inboxPath } from './http/routes/inbox.js';
import { metricsRoute } from './http/routes/metrics.js';
import { chooseLogFormat, createLogger } from './logger.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { deliveryTask } from './notifications/delivery-task.js';
import type { PaymentsDeps } from './payments/deps.js';
import { Idempotency } from './payments/idempotency.js';
import { challengeExpiryWork } from './payments/challenge-due-work.js';
import type { DueWork } from './payments/due-work.js';
import { idempotencyExpiryWork } from './payments/idempotency-due-work.js';
import { notificationWork } from './payments/notification-due-work.js';
import { TestClocks } from './payments/test-clock.js';
import { scheduleCycles, scheduleNotices } from './payments/schedule-runner.js';
import { openStorage } from './storage/open.js';
import type { Storage } from './storage/storage.js';
import type { Keyring } from './vault/keyring.js';
import { Vault } from './vault/vault.js';
import { recoverStuckPayments } from './payments/recover.js';
import { widgetPlugins } from './widget/plugins.js';
import { paywallRoutes } from './paywall/routes.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { RequestLogWriter } from './payments/request-log.js';
import { runChores } from './worker/chores.js';
import { Worker } from './worker/worker.js';
import { scheduleTask } from './worker/schedule-task.js';

export interface GatewayOptions {
  clock?: Clock;
  /** An extra log destination (tests capture logs to search them for card numbers). */
  logDestination?: DestinationStream;
  /** Keep logs off stdout (tests); they still go to the log file and `logDestination`. */
  quiet?: boolean;
}

export interface Gateway {
  config: Config;
  app: FastifyInstance;
  storage: Storage;
  accounts: Accounts;
  acquirer: Acquirer;
  payments: PaymentsDeps;
  idempotency: Idempotency;
  worker: Worker;
  log: Logger;
  metrics: GatewayMetrics;
  testClocks: TestClocks;
  /** Set when this start created the sandbox merchant, or read from the data directory on later starts. */
  sandbox: SandboxCredentials | null;
  listen(): Promise<string>;
  url(): string;
  close(): Promise<void>;
}

interface Core {
  clock: Clock;
  log: Logger;
  storage: Storage;
  acquirer: Acquirer;
  payments: PaymentsDeps;
  idempotency: Idempotency;
  worker: Worker;
  metrics: GatewayMetrics;
  testClocks: TestClocks;
  setBaseUrl(url: string): void;
  /** The sandbox merchant, whose shops without a notification URL of their own notify the webhook inbox. */
  setSandboxMerchant(merchantId: string | null): void;
}

/** Everything but HTTP: storage, payments and the background worker (delivery + chores). */
async function buildCore(config: Config, options: GatewayOptions): Promise<Core> {
  const clock = options.clock ?? systemClock;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const format = chooseLogFormat(config.logFormat, process.stdout.isTTY === true, config.mode);
  const log = createLogger(config.logLevel, config.logFile, options.logDestination, !options.quiet, format);
  for (const warning of config.warnings) log.warn(warning);
  // The database before the key: a missing key file beside sealed data refuses the start without writing one.
  const storage = await openStorage(config.database);
  let keyring: Keyring;
  try {
    ({ keyring } = await openMasterKey(storage, config.masterKeyFile, clock.now()));
  } catch (err) {
    await storage.close();
    throw err;
  }
  // One registry per gateway: tests run several in one process. Its sources are read at scrape time.
  const metrics = new GatewayMetrics({
    outboxBacklog: () => storage.repos.notifications.backlog(),
    databaseLoad: () => storage.load(),
    workerLagSeconds: () => worker.lagSeconds(),
    now: () => clock.now(),
  });
  // The chosen connector, and only it, is built, with its own section of the configuration; whatever state it
  // keeps (the sandbox's ledger) is its own business. Every call then goes through the guard: a timeout shorter
  // than the Idempotency-Key lease, the timeout/failure classification, masked logging.
  let baseUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  let connector: Acquirer;
  try {
    connector = await createAcquirer(config.connector, {
      database: {
        db: storage.db,
        dialect: storage.dialect,
        fullSync: config.database.kind === 'sqlite' && config.database.synchronous === 'full',
      },
      now: () => new Date(clock.now()),
      log,
      // Known only once the server listens (an ephemeral port); read at call time.
      publicUrl: () => baseUrl,
    });
  } catch (err) {
    await storage.close();
    throw err;
  }
  const acquirer = new GuardedAcquirer(connector, {
    timeoutMs: config.acquirerTimeoutMs,
    log,
    now: () => clock.now(),
    metrics,
  });
  if (config.mode === 'production' && acquirer.simulatedChallenge) {
    log.warn(
      { acquirer: acquirer.name },
      'production mode on a simulated acquirer (KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION): test cards only, and its 3-D Secure page passes any challenge',
    );
  }
  const vault = new Vault(keyring, storage.repos.cards);
  if (config.mode === 'production') {
    // Test clocks are the sandbox's: a shop left on one by a sandbox run of this database runs on real time.
    const cleared = await storage.repos.testClocks.removeAll();
    if (cleared > 0) log.warn({ shops: cleared }, 'production mode: test clocks removed, shops on real time');
  }
  // Sandbox mode only, and only the sandbox merchant's shops: production never posts to the gateway itself.
  let sandboxMerchant: string | null = config.mode === 'sandbox' ? storedSandboxMerchantId(config) : null;

  const payments: PaymentsDeps = {
    storage,
    vault,
    acquirer,
    clock,
    log,
    publicUrl: () => baseUrl,
    challengeTtlMs: config.challengeTtlMs,
    acquirerExpiryMs: config.acquirerExpiryMs,
    idempotencyTtlMs: config.idempotencyTtlMs,
    notificationQueued: () => worker.poke(),
    inboxUrl: (shop) =>
      sandboxMerchant !== null && shop.merchantId === sandboxMerchant ? baseUrl + inboxPath(shop.id) : null,
    paymentFinalized: (t) => metrics.paymentFinalized(t.type, t.status, t.statusCode),
  };
  const idempotency = new Idempotency({
    storage,
    clock,
    ttlMs: config.idempotencyTtlMs,
    leaseMs: config.idempotencyLeaseMs,
    waitMs: 10_000,
    log,
  });

  const delivery = { storage, clock, log, mode: config.mode, timeoutMs: config.notifyTimeoutMs };
  // Test clocks (sandbox): what falls due, in the order work due at the same moment runs — whatever queues
  // a notification before the notifications. The wall-clock tasks below leave test-clock shops to them.
  const sandbox = config.mode === 'sandbox';
  const dueWork: DueWork[] = [
    challengeExpiryWork(payments),
    // A cycle's pre-billing notice before its charge when both fall due at one moment.
    scheduleNotices(payments),
    scheduleCycles(payments),
    notificationWork(delivery),
    idempotencyExpiryWork(storage),
  ];
  const testClocks = new TestClocks({ storage, mode: config.mode, clock, work: () => dueWork, log });

  // Chores first: an expired challenge's notification then goes out in the same round.
  const worker: Worker = new Worker(
    [
      {
        name: 'chores',
        run: async () => {
          const r = await runChores({
            payments,
            idempotency,
            recoveryGraceMs: config.recoveryGraceMs,
            skipClockShops: sandbox,
          });
          return r.expired + r.recovered > 0;
        },
      },
      scheduleTask(payments, { skipClockShops: sandbox }),
      deliveryTask(delivery, { skipClockShops: sandbox }),
      ...(sandbox ? [{ name: 'test-clocks', run: () => testClocks.runDueAtFrozenTimes() }] : []),
    ],
    config.workerPollMs,
    log,
    metrics,
  );
  return {
    clock,
    log,
    storage,
    acquirer,
    payments,
    idempotency,
    worker,
    metrics,
    testClocks,
    setBaseUrl: (url) => {
      baseUrl = url;
    },
    setSandboxMerchant: (merchantId) => {
      sandboxMerchant = config.mode === 'sandbox' ? merchantId : null;
    },
  };
}

/**
 * The composition root: the only place that picks concrete parts (SQLite or PostgreSQL, which acquirer) and
 * wires them together.
 */
export async function createGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const core = await buildCore(config, options);
  const { clock, log, storage, acquirer, payments, idempotency, worker, metrics, testClocks } = core;
  const authFailures = new AuthFailureThrottle(config.authFailureLimit, clock);
  const auth = new Authenticator(
    () => storage.repos.merchants,
    clock,
    authFailures,
    config.rateLimitPerToken,
  );
  const accounts = new Accounts(storage, clock);
  // Read lazily by the demo shop: the sandbox merchant is bootstrapped after the routes are built.
  let sandbox: SandboxCredentials | null = null;

  const widget = widgetPlugins(payments, config.mode, () => sandbox?.serviceId);
  const desk = notificationDesk(storage, clock);
  // The dashboard's request log: only kept while the dashboard is on (nothing would show it otherwise).
  const requestLog = config.dashboard ? new RequestLogWriter(payments, log) : null;
  const app = await buildHttpApp(
    {
      payments,
      idempotency,
      auth,
      bodyLimitBytes: config.bodyLimitBytes,
      requestTimeoutMs: config.requestTimeoutMs,
      mode: config.mode,
      trustProxy: config.trustProxy,
      challengeFramer: widget.challengeFramer,
      requests: metrics,
      ...(requestLog ? { requestLog } : {}),
      testClocks,
      landing: {
        name: 'Kartoteka',
        version: KARTOTEKA_VERSION,
        mode: config.mode,
        sandbox: () => sandbox,
        demo: config.mode === 'sandbox',
        dashboard: config.dashboard,
      },
    },
    log,
    {
      plugins: [
        adminRoutes({
          notifications: desk,
          adminToken: config.adminToken,
          failures: authFailures,
          poke: () => worker.poke(),
        }),
        metricsRoute({ metrics, adminToken: config.adminToken, failures: authFailures }),
        ...widget.plugins,
        paywallRoutes({ payments, sessions: widget.sessions }),
        ...(config.dashboard
          ? [
              dashboardRoutes({
                payments,
                mode: config.mode,
                adminToken: config.adminToken,
                failures: authFailures,
                resend: async (id) => {
                  await desk.resend(id);
                  worker.poke();
                },
                sandboxToken: () => sandbox?.token ?? null,
                ...(config.mode === 'sandbox' ? { testClocks } : {}),
                secure: () => payments.publicUrl().startsWith('https:'),
              }),
            ]
          : []),
      ],
    },
  );

  try {
    sandbox = config.bootstrapSandbox ? await sandboxCredentials(config, accounts, storage) : null;
    if (sandbox) core.setSandboxMerchant(sandbox.merchantId);
  } catch (err) {
    await app.close();
    await storage.close();
    throw err;
  }

  return {
    config,
    app,
    storage,
    accounts,
    acquirer,
    payments,
    idempotency,
    worker,
    log,
    metrics,
    testClocks,
    sandbox,
    async listen() {
      if (storage.dialect === 'sqlite') {
        // An advance in progress, and the schedules it held, belong to the run that died too: the next
        // advance finishes it at once.
        await storage.repos.testClocks.expireAllLeases();
        await storage.repos.schedules.expireAllLeases();
        await storage.repos.notifications.expireAllLocks();
        // SQLite has one writer process: anything left mid-flight belongs to a previous run that died, so it
        // is reconciled now, before serving (PostgreSQL instances leave that to the chore's grace period).
        await storage.repos.idempotency.expireAllLeases();
        await recoverStuckPayments(payments, 0, 100, { clockShops: config.mode === 'sandbox' });
      }
      const address = await app.listen({ host: config.host, port: config.port });
      if (!config.publicUrl) {
        const port = new URL(address).port;
        const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
        core.setBaseUrl(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
      }
      if (config.worker) worker.start();
      return payments.publicUrl();
    },
    url: () => payments.publicUrl(),
    async close() {
      await worker.stop();
      await requestLog?.close();
      // Node closes the connections idle at close() time only; a keep-alive connection whose request was still in
      // flight then would hold the server open until its keep-alive timeout. Sweep them as they become idle.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
      try {
        await app.close();
      } finally {
        clearInterval(sweep);
      }
      await storage.close();
    },
  };
}

export interface WorkerProcess {
  worker: Worker;
  storage: Storage;
  payments: PaymentsDeps;
  log: Logger;
  close(): Promise<void>;
}

/**
 * `kartoteka worker`: the same worker without the HTTP server, for running delivery and chores in their own
 * process (set KARTOTEKA_WORKER=off on the servers then, or not: claims keep several workers apart).
 */
export async function createWorkerProcess(
  config: Config,
  options: GatewayOptions = {},
): Promise<WorkerProcess> {
  const core = await buildCore(config, options);
  return {
    worker: core.worker,
    storage: core.storage,
    payments: core.payments,
    log: core.log,
    async close() {
      await core.worker.stop();
      await core.storage.close();
    },
  };
}

/**
 * Who the sandbox merchant is, before (or without) the bootstrap: the fixed id, else the credentials file a
 * first start wrote. A separate `kartoteka worker` process knows it only this way.
 */
function storedSandboxMerchantId(config: Config): string | null {
  if (!config.bootstrapSandbox) return null;
  if (config.sandboxFixed.merchantId) return config.sandboxFixed.merchantId;
  const file = resolve(config.dataDir, 'sandbox-credentials.json');
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as Partial<SandboxCredentials>).merchantId ?? null;
  } catch {
    return null;
  }
}

/**
 * The sandbox merchant's credentials live in the data directory (mode 0600) so that every start can print
 * them; the database itself keeps only the token's hash.
 */
async function sandboxCredentials(
  config: Config,
  accounts: Accounts,
  storage: Storage,
): Promise<SandboxCredentials | null> {
  const file = resolve(config.dataDir, 'sandbox-credentials.json');
  const fixed = config.sandboxFixed;
  const created = await bootstrapSandbox(accounts, storage, fixed);
  if (created) {
    writeFileSync(file, JSON.stringify(created, null, 2) + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
    return created;
  }
  // Refused rather than warned: a CI job whose fixed token isn't in the database would only see 401s later.
  const mismatch = await fixedSandboxMismatch(storage, fixed);
  if (mismatch) {
    throw new ConfigError(
      `${mismatch}. The fixed sandbox credentials are used on a first start only (an empty database); ` +
        'empty this data directory with `kartoteka reset` to start over with them, or unset them',
    );
  }
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SandboxCredentials) : null;
  if (fixed.merchantId && fixed.serviceId && fixed.serviceKey && fixed.token) {
    return { ...stored, ...(fixed as SandboxCredentials) };
  }
  return stored;
}
