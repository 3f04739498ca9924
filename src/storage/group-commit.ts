import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './schema.js';

// Compiled once: a batch runs two of these per transaction in it, and building each anew is most of its cost.
const BEGIN_IMMEDIATE = CompiledQuery.raw('begin immediate');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');
const SAVEPOINT = CompiledQuery.raw('savepoint group_commit');
const RELEASE = CompiledQuery.raw('release group_commit');
const ROLLBACK_TO = CompiledQuery.raw('rollback to group_commit');

interface Pending {
  work: (db: Kysely<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit for SQLite: the write transactions that arrive while one is committing are run together, one
 * after the other, inside a single database transaction, each under its own savepoint — so each still commits
 * or rolls back on its own, but the batch pays for one fsync instead of one each. Nobody's promise resolves
 * before the batch's COMMIT has returned, so "answered" still means "durable".
 *
 * better-sqlite3 is synchronous and Kysely gives it one connection: transactions are serialised anyway, so
 * batching them changes no visibility a caller could observe, only how many commits there are.
 */
export class GroupCommit {
  private queue: Array<Pending> = [];
  private scheduled = false;

  constructor(private readonly db: Kysely<Database>) {}

  /** Transactions waiting for the next batch (the one committing is not counted). */
  get queued(): number {
    return this.queue.length;
  }

  run<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /**
   * BEGIN IMMEDIATE, not a deferred BEGIN: another process writing the file (`kartoteka keys rotate`, the admin
   * CLI) makes a deferred transaction that read first fail at its first write with "database is locked", at
   * once, because SQLite cannot wait for a stale snapshot. Taking the write lock up front waits (busy_timeout).
   */
  private immediate<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (conn) => {
      await conn.executeQuery(BEGIN_IMMEDIATE);
      let value: T;
      try {
        value = await work(conn);
      } catch (error) {
        await conn.executeQuery(ROLLBACK);
        throw error;
      }
      try {
        await conn.executeQuery(COMMIT);
      } catch (error) {
        await conn.executeQuery(ROLLBACK).catch(() => undefined);
        throw error;
      }
      return value;
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    if (batch.length === 1) {
      const only = batch[0]!;
      await this.immediate((trx) => only.work(trx)).then(only.resolve, only.reject);
      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      await this.immediate(async (trx) => {
        for (const item of batch) {
          await trx.executeQuery(SAVEPOINT);
          try {
            const value = await item.work(trx);
            await trx.executeQuery(RELEASE);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await trx.executeQuery(ROLLBACK_TO);
            await trx.executeQuery(RELEASE);
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The COMMIT itself failed: nothing of the batch is durable.
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
