import { sql, type Kysely } from 'kysely';
import { prepared, type Prepared } from './prepared.js';
import type { Database } from './schema.js';

/**
 * The namespaces of the gateway's advisory locks: one number per kind of thing locked, so that a card's retry
 * state and a cid with the same text never share a lock.
 */
export const LOCK_NAMESPACE = { cardRetryState: 7351, cid: 7352 } as const;

/**
 * PostgreSQL: a transaction-scoped advisory lock on (merchant, key) in one namespace, held until the caller's
 * transaction ends. It locks what has no row yet (a cid before its first profile, a card before its first
 * decline), which `FOR UPDATE` cannot. Call inside a transaction, as a statement of its own: a read after it
 * sees what the transaction that held the lock committed.
 */
export function advisoryLock(namespace: number): Prepared<unknown> {
  return prepared((db: Kysely<Database>, arg) => {
    const lock = sql<unknown>`select pg_advisory_xact_lock(hashtextextended(cast(${arg(0)} as text) || '/' || cast(${arg(1)} as text), ${sql.lit(namespace)}))`;
    return { compile: () => lock.compile(db) };
  });
}
