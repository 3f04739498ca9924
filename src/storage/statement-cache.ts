import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Kysely's SQLite driver calls `prepare()` for every query it runs, so SQLite parses and plans the same SQL
 * again each time: about a tenth of a profile debit's server time went there (see docs/performance.md).
 * The SQL text is the cache key (values are bound as parameters, so one query shape is one entry), and
 * reusing a statement is safe because better-sqlite3 runs it to completion synchronously and Kysely holds its
 * single connection for the whole of a streamed query. The bound keeps a caller that builds SQL with inlined
 * values from growing the cache without limit.
 *
 * What this assumes of Kysely's SQLite driver (it only reads `reader` and calls all/run/iterate on a statement;
 * one connection behind a mutex, held by a stream until it ends; destroy() calls close()) is checked against the
 * installed, exactly pinned Kysely by tests/unit/kysely-internals.test.ts: run it before upgrading.
 */
export function withStatementCache(database: SQLite.Database, limit = 1000): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare: (sql: string) => {
      let statement = cache.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (cache.size >= limit) cache.clear();
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
