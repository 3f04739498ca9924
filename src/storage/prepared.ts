import type { Compilable, CompiledQuery, Kysely, QueryResult, RootOperationNode } from 'kysely';
import type { Dialect } from './connect.js';
import type { Database } from './schema.js';

/** Marks where argument `i` goes when a prepared query is built; see {@link prepared}. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a placeholder stands for a value of any column type
export type Arg = (i: number) => any;

const MARK = '\u0000kartoteka-arg:';

interface Compiled {
  sql: string;
  query: RootOperationNode;
  queryId: CompiledQuery['queryId'];
  /** Per bound parameter: the argument it takes, or a constant the builder put there. */
  slots: Array<{ arg: number } | { value: unknown }>;
}

/**
 * A hot-path query built and compiled by Kysely once per dialect, then executed with new arguments: building a
 * query, running the CamelCase plugin's transform and compiling it cost ~40–60 µs per statement, a large part
 * of a profile debit (docs/performance.md). The builder is written as usual, with `arg(i)` where argument i
 * goes; the SQL Kysely produces is kept and only the bound parameters change. Results still pass through the
 * plugins (snake_case columns come back camelCased).
 *
 * This leans on Kysely behaviour its docs don't promise (values always bound as parameters, verbatim and in
 * order; SQL text independent of the values; a kept CompiledQuery runnable with new parameters, on any
 * connection, results still through the plugins). tests/unit/kysely-internals.test.ts checks each against the
 * installed Kysely, which package.json pins exactly: run it before upgrading.
 */
export interface Prepared<Row> {
  execute(db: Kysely<Database>, dialect: Dialect, args: readonly unknown[]): Promise<QueryResult<Row>>;
}

export function prepared<Row>(build: (db: Kysely<Database>, arg: Arg) => Compilable<Row>): Prepared<Row> {
  const byDialect = new Map<Dialect, Compiled>();
  const compile = (db: Kysely<Database>): Compiled => {
    const compiled = build(db, (i) => `${MARK}${i}`).compile();
    const slots = compiled.parameters.map((value) =>
      typeof value === 'string' && value.startsWith(MARK)
        ? { arg: Number(value.slice(MARK.length)) }
        : { value },
    );
    return { sql: compiled.sql, query: compiled.query, queryId: compiled.queryId, slots };
  };
  return {
    execute(db, dialect, args) {
      let c = byDialect.get(dialect);
      if (c === undefined) {
        c = compile(db);
        byDialect.set(dialect, c);
      }
      const parameters = c.slots.map((s) => ('arg' in s ? args[s.arg] : s.value));
      return db.executeQuery<Row>({ sql: c.sql, query: c.query, queryId: c.queryId, parameters });
    },
  };
}
