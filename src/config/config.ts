import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { ConnectorConfig, SettingsReader } from '../acquirer/connector.js';
import { acquirerNames, CONNECTORS, connectorNamed } from '../acquirer/registry.js';
import { Secret } from '../domain/secret.js';
import { UUID_V4_PATTERN } from '../domain/ids.js';
import type { PostgresOptions, SqliteOptions } from '../storage/connect.js';

export type Mode = 'sandbox' | 'production';

export interface Config {
  readonly mode: Mode;
  readonly host: string;
  readonly port: number;
  /** Base URL payers' browsers reach the gateway at (3-D Secure pages, widget); derived from host:port if unset. */
  readonly publicUrl: string | null;
  readonly dataDir: string;
  readonly database: SqliteOptions | PostgresOptions;
  readonly masterKeyFile: string;
  readonly acquirer: string;
  /** The chosen connector's own section (`KARTOTEKA_<NAME>_…`), read and validated by its schema. */
  readonly connector: ConnectorConfig;
  /** Production mode on the sandbox acquirer, asked for explicitly (a staging setup, never real money). */
  readonly allowSandboxInProduction: boolean;
  readonly logLevel: string;
  readonly logFile: string | null;
  readonly bodyLimitBytes: number;
  readonly challengeTtlMs: number;
  readonly idempotencyTtlMs: number;
  readonly notifyTimeoutMs: number;
  readonly worker: boolean;
  readonly workerPollMs: number;
  /** Create a sandbox merchant with one PCI shop when the database has no merchant yet. */
  readonly bootstrapSandbox: boolean;
  readonly adminToken: string | null;
  readonly rateLimitPerToken: number;
  readonly authFailureLimit: number;
  /** Fastify's `trustProxy`: false, true (any peer is a proxy), or proxy addresses / CIDR ranges. */
  readonly trustProxy: boolean | string[];
  readonly requestTimeoutMs: number;
  /** How long an `Idempotency-Key` claim lasts without a heartbeat; its holder renews it while it works. */
  readonly idempotencyLeaseMs: number;
  /** How long the gateway waits for one acquirer call; always shorter than the lease. */
  readonly acquirerTimeoutMs: number;
  /** The expiry sent with each acquirer operation: after it, "not found at the acquirer" means "never done". */
  readonly acquirerExpiryMs: number;
  /** A payment waiting on the acquirer for this long is taken up by the recovery chore. */
  readonly recoveryGraceMs: number;
  /** Fixed sandbox merchant identity (CI): each part the operator set; the rest is generated on first start. */
  readonly sandboxFixed: SandboxFixed;
  /** `auto`: pretty one-line logs in a terminal in sandbox mode, JSON otherwise. */
  readonly logFormat: LogFormatSetting;
  /** The dashboard at /dashboard: on by default in sandbox mode, off in production unless asked for. */
  readonly dashboard: boolean;
  /** Things worth a warning at start-up (mistyped variable names); the server logs them. */
  readonly warnings: readonly string[];
}

export type LogFormatSetting = 'auto' | 'json' | 'pretty';

export interface SandboxFixed {
  readonly merchantId?: string;
  readonly serviceId?: string;
  readonly serviceKey?: string;
  readonly token?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Every setting, its environment variable and default, the connectors' sections included; `docs/configuration.md`
 * documents the same list.
 */
export const SETTINGS: Readonly<Record<string, string>> = {
  KARTOTEKA_CONFIG: 'JSON file with any of these keys; the environment overrides it',
  KARTOTEKA_MODE: 'sandbox (default) or production',
  KARTOTEKA_HOST: 'listen address (default 127.0.0.1)',
  KARTOTEKA_PORT: 'listen port (default 8080; 0 picks a free one)',
  KARTOTEKA_PUBLIC_URL: 'base URL browsers use to reach the gateway (default http://HOST:PORT)',
  KARTOTEKA_DATA_DIR: 'data directory for the SQLite file and key file (default ./.kartoteka)',
  KARTOTEKA_DATABASE_URL: 'postgres://… selects PostgreSQL; unset = SQLite in the data directory',
  KARTOTEKA_SQLITE_SYNCHRONOUS: 'full (default: survives power loss) or normal (survives a process crash)',
  KARTOTEKA_PG_POOL_SIZE: 'PostgreSQL pool size (default 10)',
  KARTOTEKA_PG_STATEMENT_TIMEOUT_MS: 'PostgreSQL statement timeout (default 5000)',
  KARTOTEKA_MASTER_KEY_FILE: 'master key file (default DATA_DIR/master.key, created with mode 0600)',
  KARTOTEKA_ACQUIRER: 'acquirer connector (default sandbox; production mode needs it set, see below)',
  KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION:
    'on: let production mode run on the sandbox acquirer (test cards, simulated 3-D Secure); default off',
  KARTOTEKA_LOG_LEVEL: 'fatal|error|warn|info|debug|trace|silent (default info)',
  KARTOTEKA_LOG_FILE: 'also write logs to this file',
  KARTOTEKA_BODY_LIMIT: 'largest accepted request body in bytes (default 65536)',
  KARTOTEKA_CHALLENGE_TTL_SECONDS:
    'a 3-D Secure challenge nobody completes is rejected after this (default 900)',
  KARTOTEKA_IDEMPOTENCY_TTL_HOURS: 'how long Idempotency-Key results are kept (default 24)',
  KARTOTEKA_NOTIFY_TIMEOUT_MS: 'timeout of one notification delivery (default 10000)',
  KARTOTEKA_WORKER:
    'on (default): run the notification/chores worker in the server; off: run `kartoteka worker` apart',
  KARTOTEKA_WORKER_POLL_MS: 'how often the worker looks for due work (default 1000)',
  KARTOTEKA_BOOTSTRAP: 'on (default in sandbox mode): create a sandbox merchant when there is none',
  KARTOTEKA_ADMIN_TOKEN:
    'bearer token for /admin and /metrics, at least 32 characters (unset: both disabled)',
  KARTOTEKA_RATE_LIMIT_PER_TOKEN: 'requests per second one API token may make (default 2000; 0 = no limit)',
  KARTOTEKA_AUTH_FAILURE_LIMIT:
    'failed authentications one IP address may make per minute before 429 (default 30)',
  KARTOTEKA_TRUST_PROXY:
    'off (default), true, or proxy addresses/CIDR ranges whose X-Forwarded-For names the client',
  KARTOTEKA_REQUEST_TIMEOUT_MS:
    'a request whose headers and body take longer to arrive gets 408 (default 30000)',
  KARTOTEKA_IDEMPOTENCY_LEASE_MS:
    'an Idempotency-Key claim not renewed for this long may be taken over by a retry (default 30000)',
  KARTOTEKA_ACQUIRER_TIMEOUT_MS: 'how long one acquirer call may take; less than the lease (default 10000)',
  KARTOTEKA_ACQUIRER_EXPIRY_MS:
    'after this, counted from the call, the acquirer must not act on a request (default 30000; ≥ the timeout)',
  KARTOTEKA_RECOVERY_GRACE_MS:
    'a payment waiting on the acquirer this long is reconciled by the recovery chore (default 60000)',
  KARTOTEKA_SANDBOX_MERCHANT_ID:
    "the sandbox merchant's id on first start: 20 lowercase letters and digits (`openssl rand -hex 10`)",
  KARTOTEKA_SANDBOX_SERVICE_ID: "the sandbox shop's serviceId on first start: a lowercase UUID v4",
  KARTOTEKA_SANDBOX_SERVICE_KEY:
    "the sandbox shop's serviceKey on first start: 32 letters and digits (`openssl rand -hex 16`)",
  KARTOTEKA_SANDBOX_TOKEN:
    "the sandbox merchant's API token on first start: 48 letters and digits (`openssl rand -hex 24`)",
  KARTOTEKA_LOG_FORMAT: 'auto (default: pretty in a terminal in sandbox mode, else JSON), json or pretty',
  KARTOTEKA_DASHBOARD:
    'on (default in sandbox mode) or off: the dashboard at /dashboard (production: off unless on)',
  ...Object.assign({}, ...CONNECTORS.map((c) => c.settings)),
};

/**
 * What the generated values look like (src/domain/ids.ts), so a fixed one can't be something a real imoje
 * client would refuse or a token too short to be a secret.
 */
const SANDBOX_FORMATS = {
  KARTOTEKA_SANDBOX_MERCHANT_ID: {
    key: 'merchantId',
    pattern: /^[a-z0-9]{20}$/,
    shape: '20 lowercase letters and digits',
    hint: 'openssl rand -hex 10',
  },
  KARTOTEKA_SANDBOX_SERVICE_ID: {
    key: 'serviceId',
    pattern: new RegExp(UUID_V4_PATTERN),
    shape: 'a lowercase UUID v4',
    hint: 'uuidgen | tr A-F a-f',
  },
  KARTOTEKA_SANDBOX_SERVICE_KEY: {
    key: 'serviceKey',
    pattern: /^[A-Za-z0-9]{32}$/,
    shape: '32 letters and digits',
    hint: 'openssl rand -hex 16',
  },
  KARTOTEKA_SANDBOX_TOKEN: {
    key: 'token',
    pattern: /^[A-Za-z0-9]{48}$/,
    shape: '48 letters and digits',
    hint: 'openssl rand -hex 24',
  },
} as const;

/** Secrets are never echoed back in the message, only their length. */
function sandboxFixed(env: Env): SandboxFixed {
  const out: Record<string, string> = {};
  for (const [name, f] of Object.entries(SANDBOX_FORMATS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (!f.pattern.test(raw)) {
      const shown = name.endsWith('_ID') ? `"${raw}"` : `${raw.length} characters`;
      throw new ConfigError(`${name} must be ${f.shape}, got ${shown}; generate one with \`${f.hint}\``);
    }
    out[f.key] = raw;
  }
  return out;
}

/**
 * Variables the test suite and tools read themselves (tests/, scripts/, bench/): never a mistyped setting.
 */
const TOOL_VARIABLES = [/^KARTOTEKA_TEST_/, /^KARTOTEKA_FUZZ_/, /^KARTOTEKA_BENCH_/];

/**
 * Production with the dashboard on and no https public URL: its session cookie goes without `Secure` (a browser
 * on plain http would not send a Secure one back), so anyone on the path can read it. Said at start-up rather
 * than refused: a deployment may be reachable only on a private network.
 */
function insecureDashboardWarning(mode: Mode, env: Env): string[] {
  if (mode !== 'production' || !flag(env, 'KARTOTEKA_DASHBOARD', false)) return [];
  if (env.KARTOTEKA_PUBLIC_URL?.startsWith('https://')) return [];
  return [
    'the dashboard is on in production without an https KARTOTEKA_PUBLIC_URL: its session cookie is sent without Secure; set KARTOTEKA_PUBLIC_URL=https://… (or KARTOTEKA_DASHBOARD=off)',
  ];
}

/** One warning per `KARTOTEKA_*` variable that is no setting, naming the closest one. */
export function unknownVariableWarnings(env: Env): string[] {
  const known = Object.keys(SETTINGS);
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('KARTOTEKA_') || name in SETTINGS) continue;
    if (TOOL_VARIABLES.some((p) => p.test(name))) continue;
    const closest = known.reduce((best, k) => (distance(name, k) < distance(name, best) ? k : best));
    warnings.push(`unknown setting ${name} ignored; did you mean ${closest}?`);
  }
  return warnings;
}

/** Levenshtein distance: variable names are short, so the quadratic table is nothing. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

function readFileEnv(path: string): Env {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must hold a JSON object`);
  }
  const out: Env = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(key in SETTINGS)) throw new ConfigError(`config file ${path}: unknown setting ${key}`);
    out[key] = String(value);
  }
  return out;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  return (
    oneOf(env, name, ['on', 'off', 'true', 'false', '1', '0'], fallback ? 'on' : 'off').match(
      /^(on|true|1)$/,
    ) !== null
  );
}

export const MIN_ADMIN_TOKEN_LENGTH = 32;

/**
 * The admin endpoints sit on the public listener and the operator picks their token, so a guessable one is
 * refused at start-up. The value itself never appears in the message.
 */
function adminToken(raw: string | undefined): string | null {
  if (!raw) return null;
  const hint = 'generate one with `openssl rand -hex 32`';
  if (raw.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError(
      `KARTOTEKA_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters, got ${raw.length}; ${hint}`,
    );
  }
  // What a bearer header can carry: visible ASCII without spaces, at most 512 characters.
  if (raw.length > 512 || !/^[\x21-\x7e]+$/.test(raw)) {
    throw new ConfigError(
      `KARTOTEKA_ADMIN_TOKEN must be at most 512 printable ASCII characters without spaces; ${hint}`,
    );
  }
  return raw;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function proxyAddress(entry: string): boolean {
  if (PROXY_NAMES.includes(entry) || isIP(entry)) return true;
  const cidr = /^([^/]+)\/([0-9]{1,3})$/.exec(entry);
  if (!cidr?.[1] || !cidr[2]) return false;
  const version = isIP(cidr[1]);
  return version !== 0 && Number(cidr[2]) <= (version === 4 ? 32 : 128);
}

/**
 * Off by default: with `true` (or a list too wide) anyone reaching the listener can pick their own address by
 * sending X-Forwarded-For, and slip the per-address failed-login budget.
 */
function trustProxy(raw: string | undefined): boolean | string[] {
  if (raw === undefined || raw === '' || /^(off|false)$/.test(raw)) return false;
  if (/^(on|true)$/.test(raw)) return true;
  const error = (why: string) =>
    new ConfigError(
      'KARTOTEKA_TRUST_PROXY must be off, true, or a comma-separated list of proxy addresses / CIDR ranges ' +
        `(or loopback, linklocal, uniquelocal), got "${raw}": ${why}`,
    );
  // Fastify 5 trusts nobody for a bare hop count (it cannot check the peer), so one would silently do nothing.
  if (/^[0-9]+$/.test(raw)) throw error('a hop count is not supported; name the proxies instead');
  const entries = raw.split(',').map((e) => e.trim());
  for (const entry of entries) {
    if (!proxyAddress(entry)) throw error(`"${entry}" is not an IP address or CIDR range`);
  }
  return entries;
}

/** Reads the environment (and the optional config file) once, validates it, and freezes the result. */
export function loadConfig(processEnv: Env = process.env, overrides: Env = {}): Config {
  for (const key of Object.keys(overrides)) {
    if (!(key in SETTINGS)) throw new ConfigError(`unknown setting ${key}`);
  }
  const configFile = overrides.KARTOTEKA_CONFIG ?? processEnv.KARTOTEKA_CONFIG;
  const env: Env = { ...(configFile ? readFileEnv(configFile) : {}), ...pick(processEnv), ...overrides };

  const mode = oneOf(env, 'KARTOTEKA_MODE', ['sandbox', 'production'] as const, 'sandbox');
  const dataDir = resolve(env.KARTOTEKA_DATA_DIR || '.kartoteka');
  const databaseUrl = env.KARTOTEKA_DATABASE_URL;
  let database: SqliteOptions | PostgresOptions;
  if (databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
      throw new ConfigError('KARTOTEKA_DATABASE_URL must start with postgres:// (unset it for SQLite)');
    }
    database = {
      kind: 'postgres',
      url: databaseUrl,
      poolSize: int(env, 'KARTOTEKA_PG_POOL_SIZE', 10, 1, 1000),
      statementTimeoutMs: int(env, 'KARTOTEKA_PG_STATEMENT_TIMEOUT_MS', 5000, 100, 3_600_000),
    };
  } else {
    database = {
      kind: 'sqlite',
      path: resolve(dataDir, 'kartoteka.db'),
      synchronous: oneOf(env, 'KARTOTEKA_SQLITE_SYNCHRONOUS', ['full', 'normal'] as const, 'full'),
    };
  }
  const acquirer = env.KARTOTEKA_ACQUIRER || 'sandbox';
  const connector = connectorNamed(acquirer);
  if (!connector) {
    throw new ConfigError(
      `KARTOTEKA_ACQUIRER must be one of ${acquirerNames().join(', ')}, got "${acquirer}"`,
    );
  }
  const allowSandboxInProduction = flag(env, 'KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION', false);
  if (mode === 'production' && acquirer === 'sandbox' && !allowSandboxInProduction) {
    // The sandbox approves test cards and serves a 3-D Secure page anyone can pass: production must not fall
    // into it by leaving a variable unset.
    throw new ConfigError(
      `KARTOTEKA_MODE=production ${env.KARTOTEKA_ACQUIRER ? 'with KARTOTEKA_ACQUIRER=sandbox' : 'without KARTOTEKA_ACQUIRER'} ` +
        'would run on the sandbox acquirer (test cards, a simulated 3-D Secure page anyone can pass). ' +
        'Set KARTOTEKA_ACQUIRER to a real acquirer, or KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION=on to run ' +
        'production mode on the sandbox on purpose',
    );
  }
  const publicUrl = env.KARTOTEKA_PUBLIC_URL ? env.KARTOTEKA_PUBLIC_URL.replace(/\/+$/, '') : null;
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new ConfigError('KARTOTEKA_PUBLIC_URL must be an absolute http(s) URL');
  }
  const config: Config = {
    mode,
    host: env.KARTOTEKA_HOST || '127.0.0.1',
    port: int(env, 'KARTOTEKA_PORT', 8080, 0, 65535),
    publicUrl,
    dataDir,
    database,
    masterKeyFile: resolve(env.KARTOTEKA_MASTER_KEY_FILE || resolve(dataDir, 'master.key')),
    acquirer,
    connector: Object.freeze({
      name: connector.name,
      settings: Object.freeze(connector.read(settingsReader(env))),
    }),
    allowSandboxInProduction,
    logLevel: oneOf(
      env,
      'KARTOTEKA_LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
    logFile: env.KARTOTEKA_LOG_FILE ? resolve(env.KARTOTEKA_LOG_FILE) : null,
    bodyLimitBytes: int(env, 'KARTOTEKA_BODY_LIMIT', 65_536, 1024, 10_485_760),
    challengeTtlMs: int(env, 'KARTOTEKA_CHALLENGE_TTL_SECONDS', 900, 1, 86_400) * 1000,
    idempotencyTtlMs: int(env, 'KARTOTEKA_IDEMPOTENCY_TTL_HOURS', 24, 1, 24 * 365) * 3_600_000,
    notifyTimeoutMs: int(env, 'KARTOTEKA_NOTIFY_TIMEOUT_MS', 10_000, 100, 120_000),
    worker: flag(env, 'KARTOTEKA_WORKER', true),
    workerPollMs: int(env, 'KARTOTEKA_WORKER_POLL_MS', 1000, 10, 60_000),
    bootstrapSandbox: flag(env, 'KARTOTEKA_BOOTSTRAP', mode === 'sandbox'),
    adminToken: adminToken(env.KARTOTEKA_ADMIN_TOKEN),
    rateLimitPerToken: int(env, 'KARTOTEKA_RATE_LIMIT_PER_TOKEN', 2000, 0, 1_000_000),
    authFailureLimit: int(env, 'KARTOTEKA_AUTH_FAILURE_LIMIT', 30, 1, 1_000_000),
    trustProxy: trustProxy(env.KARTOTEKA_TRUST_PROXY),
    requestTimeoutMs: int(env, 'KARTOTEKA_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
    ...acquirerTiming(env),
    sandboxFixed: Object.freeze(sandboxFixed(env)),
    logFormat: oneOf(env, 'KARTOTEKA_LOG_FORMAT', ['auto', 'json', 'pretty'] as const, 'auto'),
    dashboard: flag(env, 'KARTOTEKA_DASHBOARD', mode === 'sandbox'),
    warnings: Object.freeze([...unknownVariableWarnings(processEnv), ...insecureDashboardWarning(mode, env)]),
  };
  return Object.freeze(config);
}

type AcquirerTiming = Pick<
  Config,
  'idempotencyLeaseMs' | 'acquirerTimeoutMs' | 'acquirerExpiryMs' | 'recoveryGraceMs'
>;

/**
 * The timings that keep a stored answer true to what the acquirer did: a call gives up before the lease of
 * the request's Idempotency-Key could lapse, and the acquirer's expiry is never before the call gave up.
 */
function acquirerTiming(env: Env): AcquirerTiming {
  const idempotencyLeaseMs = int(env, 'KARTOTEKA_IDEMPOTENCY_LEASE_MS', 30_000, 100, 3_600_000);
  const acquirerTimeoutMs = int(env, 'KARTOTEKA_ACQUIRER_TIMEOUT_MS', 10_000, 10, 3_600_000);
  if (acquirerTimeoutMs >= idempotencyLeaseMs) {
    throw new ConfigError(
      `KARTOTEKA_ACQUIRER_TIMEOUT_MS (${acquirerTimeoutMs}) must be less than KARTOTEKA_IDEMPOTENCY_LEASE_MS (${idempotencyLeaseMs})`,
    );
  }
  const acquirerExpiryMs = int(
    env,
    'KARTOTEKA_ACQUIRER_EXPIRY_MS',
    Math.max(30_000, acquirerTimeoutMs),
    10,
    86_400_000,
  );
  if (acquirerExpiryMs < acquirerTimeoutMs) {
    throw new ConfigError(
      `KARTOTEKA_ACQUIRER_EXPIRY_MS (${acquirerExpiryMs}) must be at least KARTOTEKA_ACQUIRER_TIMEOUT_MS (${acquirerTimeoutMs})`,
    );
  }
  return {
    idempotencyLeaseMs,
    acquirerTimeoutMs,
    acquirerExpiryMs,
    recoveryGraceMs: int(env, 'KARTOTEKA_RECOVERY_GRACE_MS', 60_000, 0, 86_400_000),
  };
}

/** The readers a connector's section is read with: the same validation, and `ConfigError`, as every setting. */
function settingsReader(env: Env): SettingsReader {
  const fail = (name: string, why: string): never => {
    throw new ConfigError(`${name} ${why}`);
  };
  const text = (name: string, fallback: string | null) => {
    const raw = env[name];
    return raw === undefined || raw === '' ? fallback : raw;
  };
  return {
    int: (name, fallback, min, max) => int(env, name, fallback, min, max),
    text,
    url(name, fallback) {
      const value = text(name, fallback);
      if (value !== null && !/^https?:\/\/[^/]+/.test(value)) fail(name, 'must be an absolute http(s) URL');
      return value === null ? null : value.replace(/\/+$/, '');
    },
    secret(name) {
      const value = text(name, null);
      return value === null ? null : new Secret(value);
    },
    fail,
  };
}

function pick(env: Env): Env {
  const out: Env = {};
  for (const key of Object.keys(SETTINGS)) if (env[key] !== undefined) out[key] = env[key];
  return out;
}
