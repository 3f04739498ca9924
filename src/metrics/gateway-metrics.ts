import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the outbox holds that is not delivered yet: counts by status and the oldest pending row's creation time. */
export interface OutboxBacklog {
  pending: number;
  failed: number;
  /** Unix ms of the oldest pending notification; null when none is pending. */
  oldestPendingAt: number | null;
}

/** A PostgreSQL pool's connections, or SQLite's group-commit queue (one connection, no pool). */
export type DatabaseLoad =
  | { kind: 'pool'; total: number; idle: number; waiting: number; max: number }
  | { kind: 'group-commit'; queued: number };

export interface MetricSources {
  /** Read at scrape time, at most once per `outboxCacheMs`. */
  outboxBacklog(): Promise<OutboxBacklog>;
  databaseLoad(): DatabaseLoad;
  /** How far past due the worker's next round is, in seconds (0 when on time or not running). */
  workerLagSeconds(): number;
  /** The gateway's clock, in Unix ms (the outbox's times are written with it). */
  now(): number;
}

export interface MetricsOptions {
  /** Scrapes within this long of the last outbox query reuse its answer (monotonic time). */
  outboxCacheMs?: number;
}

/** One outcome label for every acquirer call: the answer's outcome, the 3-D Secure decision, or how it failed. */
export type AcquirerCallOutcome =
  | 'approved'
  | 'declined'
  | 'error'
  | 'challenge'
  | 'frictionless'
  | 'found'
  | 'not_found'
  | 'timeout'
  | 'failure';

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Every metric the gateway exports, on a registry of its own (several gateways share a process in tests, so
 * never the global one). The parts record through the small methods below, each matching a port the part
 * defines; what is read rather than recorded (outbox, pool, worker lag) is collected at scrape time.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
  private readonly payments: Counter<'type' | 'status' | 'code'>;
  private readonly acquirerSeconds: Histogram<'connector' | 'operation' | 'outcome'>;
  private readonly acquirerErrors: Counter<'connector' | 'operation' | 'kind'>;
  private readonly workerRoundSeconds: Histogram;
  private readonly workerTaskFailures: Counter<'task'>;
  private backlog: { at: number; value: Promise<OutboxBacklog> } | null = null;

  constructor(sources: MetricSources, options: MetricsOptions = {}) {
    const registers = [this.registry];
    const cacheMs = options.outboxCacheMs ?? 1000;
    collectDefaultMetrics({ register: this.registry });

    this.requests = new Counter({
      name: 'kartoteka_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'kartoteka_http_request_duration_seconds',
      help: 'Time from the request arriving to its answer being sent, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.payments = new Counter({
      name: 'kartoteka_payments_total',
      help: 'Transactions finalised (sales, captures, voids, refunds), by type, final status and result code.',
      labelNames: ['type', 'status', 'code'],
      registers,
    });
    this.acquirerSeconds = new Histogram({
      name: 'kartoteka_acquirer_call_duration_seconds',
      help: 'Acquirer call latency, by connector, operation and outcome.',
      labelNames: ['connector', 'operation', 'outcome'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.acquirerErrors = new Counter({
      name: 'kartoteka_acquirer_errors_total',
      help: 'Acquirer calls that failed, by connector, operation and kind: error (the acquirer answered with an error), timeout or failure (no answer).',
      labelNames: ['connector', 'operation', 'kind'],
      registers,
    });
    this.workerRoundSeconds = new Histogram({
      name: 'kartoteka_worker_round_duration_seconds',
      help: "How long one round of the worker's tasks (chores, notification delivery) took.",
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.workerTaskFailures = new Counter({
      name: 'kartoteka_worker_task_failures_total',
      help: 'Worker task rounds that threw (database unavailable or a fault), by task.',
      labelNames: ['task'],
      registers,
    });
    // Read before the outbox gauges, whose query would otherwise count in the pool it is measuring. A gauge with
    // no labels always shows a value, so only the gauges of the database in use exist.
    const load = () => sources.databaseLoad();
    if (load().kind === 'pool') {
      new Gauge({
        name: 'kartoteka_db_pool_connections',
        help: 'PostgreSQL pool connections, by state (in_use, idle).',
        labelNames: ['state'],
        registers,
        collect() {
          const l = load();
          if (l.kind !== 'pool') return;
          this.set({ state: 'in_use' }, l.total - l.idle);
          this.set({ state: 'idle' }, l.idle);
        },
      });
      new Gauge({
        name: 'kartoteka_db_pool_waiting',
        help: 'Queries waiting for a PostgreSQL pool connection (also while a new connection is being opened).',
        registers,
        collect() {
          const l = load();
          if (l.kind === 'pool') this.set(l.waiting);
        },
      });
      new Gauge({
        name: 'kartoteka_db_pool_max',
        help: 'The PostgreSQL pool size (KARTOTEKA_PG_POOL_SIZE).',
        registers,
        collect() {
          const l = load();
          if (l.kind === 'pool') this.set(l.max);
        },
      });
    } else {
      new Gauge({
        name: 'kartoteka_db_group_commit_queue',
        help: 'SQLite write transactions waiting for the next group commit.',
        registers,
        collect() {
          const l = load();
          if (l.kind === 'group-commit') this.set(l.queued);
        },
      });
    }

    new Gauge({
      name: 'kartoteka_worker_lag_seconds',
      help: "How far past due the worker's next round is (0 when on time or when this process runs no worker).",
      registers,
      collect() {
        this.set(sources.workerLagSeconds());
      },
    });

    const readBacklog = (): Promise<OutboxBacklog> => {
      const at = performance.now();
      if (!this.backlog || at - this.backlog.at >= cacheMs) {
        this.backlog = { at, value: sources.outboxBacklog() };
        // A failed read is not kept: the next scrape asks again.
        this.backlog.value.catch(() => {
          this.backlog = null;
        });
      }
      return this.backlog.value;
    };
    new Gauge({
      name: 'kartoteka_outbox_notifications',
      help: 'Notifications not delivered: pending (being retried) and failed (retries exhausted).',
      labelNames: ['status'],
      registers,
      async collect() {
        try {
          const b = await readBacklog();
          this.set({ status: 'pending' }, b.pending);
          this.set({ status: 'failed' }, b.failed);
        } catch {
          // Database unreachable: no sample rather than a stale one (alert on absence, and on readiness).
          this.reset();
        }
      },
    });
    new Gauge({
      name: 'kartoteka_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest pending (undelivered) notification; 0 when none is pending.',
      registers,
      async collect() {
        try {
          const b = await readBacklog();
          this.set(b.oldestPendingAt === null ? 0 : Math.max(0, sources.now() - b.oldestPendingAt) / 1000);
        } catch {
          this.reset();
        }
      },
    });
  }

  /** `route` is the route's pattern (`/v1/merchant/:merchantId/transaction`), never the raw URL. */
  requestAnswered(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.requestSeconds.observe(labels, seconds);
  }

  paymentFinalized(type: string, status: string, code: string | null): void {
    this.payments.inc({ type, status, code: code ?? 'none' });
  }

  acquirerCall(connector: string, operation: string, outcome: AcquirerCallOutcome, latencyMs: number): void {
    this.acquirerSeconds.observe({ connector, operation, outcome }, latencyMs / 1000);
    if (outcome === 'error' || outcome === 'timeout' || outcome === 'failure') {
      this.acquirerErrors.inc({ connector, operation, kind: outcome });
    }
  }

  workerRound(seconds: number): void {
    this.workerRoundSeconds.observe(seconds);
  }

  workerTaskFailed(task: string): void {
    this.workerTaskFailures.inc({ task });
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
