import { chmodSync, closeSync, openSync, statSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { withStatementCache } from './statement-cache.js';

export type Dialect = 'sqlite' | 'postgres';

export interface SqliteOptions {
  kind: 'sqlite';
  path: string;
  /** FULL survives power loss; NORMAL survives a process crash but may lose the last commits on power loss. */
  synchronous: 'full' | 'normal';
}

export interface PostgresOptions {
  kind: 'postgres';
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
}

/** A PostgreSQL pool's connections right now (pg.Pool's counters). */
export interface PoolLoad {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

export interface Connection {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
  /** PostgreSQL only: SQLite has one connection and no pool. */
  poolLoad?(): PoolLoad;
}

/**
 * The database holds sealed cards and shop secrets: its files are for the gateway's user alone, whatever the
 * umask. SQLite creates the -wal and -shm files with the database file's mode, so creating that file 0600
 * first is enough; files an older release left group- or world-readable are tightened.
 */
function restrictSqliteFiles(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      const mode = statSync(file).mode & 0o777;
      if ((mode & 0o077) !== 0) chmodSync(file, mode & 0o700);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** SQL text → statement name, shared by every connection so that one name always means one text. */
const statementNames = new Map<string, string>();
const NAMED_STATEMENTS_LIMIT = 1000;
const PLANNABLE = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * Sends the client's parameterised queries as named prepared statements: pg then parses a query once per
 * connection and afterwards only binds and executes it, and the server keeps its plan, instead of parsing and
 * planning the same text on every call (Kysely passes text and values, which pg sends unnamed). Kysely binds
 * every value as a parameter, so the distinct texts are the query shapes; past the limit (a caller inlining
 * values) new texts go unnamed, so the server's per-connection statements stay bounded.
 */
function preparedByName(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, ...rest: unknown[]) => {
    if (typeof text !== 'string' || !Array.isArray(values) || !PLANNABLE.test(text))
      return query(text, values, ...rest);
    let name = statementNames.get(text);
    if (name === undefined && statementNames.size < NAMED_STATEMENTS_LIMIT) {
      name = `kartoteka_${statementNames.size + 1}`;
      statementNames.set(text, name);
    }
    return name === undefined ? query(text, values, ...rest) : query({ name, text, values }, ...rest);
  };
}

export function connect(options: SqliteOptions | PostgresOptions): Connection {
  if (options.kind === 'sqlite') {
    if (options.path !== ':memory:') restrictSqliteFiles(options.path);
    const database = new SQLite(options.path);
    database.pragma('journal_mode = WAL');
    database.pragma(`synchronous = ${options.synchronous.toUpperCase()}`);
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(database) }),
      plugins: [new CamelCasePlugin()],
    });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    statement_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: 5000,
    // Times are Unix milliseconds in bigint columns; they fit a JS number exactly.
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format ?? 'text'),
    },
  });
  // A client losing its connection (database restart, network cut) must not crash the process: the query in
  // flight fails (the API answers 503) and the pool opens a new connection when the database is back.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    preparedByName(client);
  });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
  });
  return {
    db,
    dialect: 'postgres',
    close: () => db.destroy(),
    poolLoad: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: options.poolSize,
    }),
  };
}
