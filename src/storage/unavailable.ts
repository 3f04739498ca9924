/**
 * Which errors mean "the database is unavailable right now" (answered 503 with Retry-After, logged as a
 * warning) rather than a bug (500). The one place that knows the drivers' error shapes: PostgreSQL SQLSTATEs,
 * node-postgres pool and client messages, Node socket errors and SQLite result codes.
 */

/** SQLSTATE classes that are an outage as a whole: 08 connection exception, 53 insufficient resources. */
const UNAVAILABLE_CLASSES = ['08', '53'];

/** Single SQLSTATEs that are an outage. */
const UNAVAILABLE_STATES = new Set([
  '57P01', // admin_shutdown: the backend was terminated (pg_terminate_backend, a fast shutdown)
  '57P02', // crash_shutdown: another backend crashed and the server is resetting
  '57P03', // cannot_connect_now: the server is starting up or shutting down, or in recovery
  '57P04', // database_dropped
  '57P05', // idle_session_timeout
  '57014', // query_canceled: the statement timeout fired (a lock held too long, an overloaded server)
  '3D000', // invalid_catalog_name: the database does not exist (dropped or renamed under us)
  '25006', // read_only_sql_transaction: a failover left us connected to a standby
  '28000', // invalid_authorization_specification: the role may no longer log in
  '28P01', // invalid_password: the credentials were rotated under a running gateway
]);

/**
 * 55000 (object_not_in_prerequisite_state) is an outage only when the server refuses the connection itself
 * (`ALTER DATABASE … ALLOW_CONNECTIONS false`). Elsewhere the same code means a statement the gateway should not
 * have sent (a sequence's currval before nextval, a replication slot in use): a bug, which stays a 500.
 */
const NOT_ACCEPTING_CONNECTIONS = /is not currently accepting connections/i;

/** Node socket and DNS errors on the way to the database server. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLite: another process holds the lock past busy_timeout, the disk is full or failing, the file is gone. */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN)/;

/** node-postgres raises these as plain errors, without a code. */
const DRIVER_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|Cannot use a pool after calling end/i;

function byCode(code: string, message: string): boolean {
  if (/^[0-9A-Z]{5}$/.test(code)) {
    if (UNAVAILABLE_CLASSES.includes(code.slice(0, 2)) || UNAVAILABLE_STATES.has(code)) return true;
    if (code === '55000') return NOT_ACCEPTING_CONNECTIONS.test(message);
  }
  return SOCKET_CODES.has(code) || SQLITE_UNAVAILABLE.test(code);
}

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 3) return false;
  const { code, message, cause, errors } = err as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string' && byCode(code, text)) return true;
  if (DRIVER_MESSAGES.test(text) || /SQLITE_BUSY/.test(text)) return true;
  // Connecting to a host name with several addresses fails with an AggregateError of one error per address.
  if (Array.isArray(errors) && errors.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

/** Seconds a client should wait before retrying while the database is unavailable. */
export const RETRY_AFTER_SECONDS = 1;
