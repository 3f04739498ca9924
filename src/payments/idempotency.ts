import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../domain/clock.js';
import { DomainError } from '../domain/domain-error.js';
import type { Storage } from '../storage/storage.js';
import type { RequestContext } from './deps.js';

export interface StoredResponse {
  status: number;
  body: string;
}

export interface IdempotencyOptions {
  storage: Storage;
  clock: Clock;
  /** How long a finished key's response is kept. */
  ttlMs: number;
  /** How long a claim is held before another request may take it over (its holder presumably died). */
  leaseMs: number;
  /** How long a duplicate waits for the first request to finish before answering 409. */
  waitMs: number;
}

/** Canonical JSON (sorted keys), so that the same payload with keys in another order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}

/**
 * `Idempotency-Key` for POSTs, scoped per merchant. The first request claims the key in the database (so it
 * works across processes); duplicates with the same payload wait for its outcome and get the very same
 * status and body; a different payload under the same key is a 409. A request that ends in a server fault
 * releases its claim so the client may retry.
 */
export class Idempotency {
  constructor(private readonly options: IdempotencyOptions) {}

  async run(
    merchantId: string,
    key: string,
    hash: string,
    execute: (ctx: RequestContext) => Promise<StoredResponse>,
    resume: (transactionId: string) => Promise<StoredResponse | undefined>,
  ): Promise<StoredResponse & { replayed: boolean }> {
    const { storage, clock } = this.options;
    const repos = storage.repos;
    const deadline = clock.now() + this.options.waitMs;
    for (let round = 0; ; round++) {
      const now = clock.now();
      // Writes go through storage.transaction so that, on SQLite, they share the group commit of other requests.
      const claimed = await storage.transaction((r) =>
        r.idempotency.claim({
          merchantId,
          key,
          requestHash: hash,
          state: 'in_flight',
          responseStatus: null,
          responseBody: null,
          transactionId: null,
          createdAt: now,
          expiresAt: now + this.options.ttlMs,
          leaseUntil: now + this.options.leaseMs,
        }),
      );
      if (claimed) return { ...(await this.execute(merchantId, key, execute)), replayed: false };

      const existing = await repos.idempotency.getKey(merchantId, key);
      if (!existing) continue; // released by a failed first attempt: claim again
      if (existing.requestHash !== hash) {
        throw new DomainError('idempotencyKeyReused', [
          { property: 'Idempotency-Key', message: 'This key was used with a different request.' },
        ]);
      }
      if (existing.state === 'done' && existing.responseStatus !== null && existing.responseBody !== null) {
        return { status: existing.responseStatus, body: existing.responseBody, replayed: true };
      }
      if (existing.leaseUntil < now) {
        const newLease = now + this.options.leaseMs;
        if (await repos.idempotency.takeOver(merchantId, key, existing.leaseUntil, newLease)) {
          // The first holder died. If it got as far as storing its transaction, answer with that transaction
          // (once recovered) instead of charging again; otherwise nothing happened yet, so run the request.
          if (existing.transactionId) {
            const resumed = await resume(existing.transactionId);
            if (resumed) {
              await storage.transaction((r) =>
                r.idempotency.complete(merchantId, key, resumed.status, resumed.body),
              );
              return { ...resumed, replayed: true };
            }
            continue;
          }
          return { ...(await this.execute(merchantId, key, execute)), replayed: false };
        }
        continue;
      }
      if (now >= deadline) {
        throw new DomainError('idempotencyInFlight', [
          { property: 'Idempotency-Key', message: 'The first request with this key is still in flight.' },
        ]);
      }
      await sleep(Math.min(5 * (round + 1), 50));
    }
  }

  private async execute(
    merchantId: string,
    key: string,
    execute: (ctx: RequestContext) => Promise<StoredResponse>,
  ): Promise<StoredResponse> {
    const { storage } = this.options;
    let response: StoredResponse;
    try {
      response = await execute({ idempotency: { merchantId, key } });
    } catch (err) {
      await storage.transaction((r) => r.idempotency.release(merchantId, key)).catch(() => undefined);
      throw err;
    }
    if (response.status >= 500) {
      await storage.transaction((r) => r.idempotency.release(merchantId, key));
    } else {
      await storage.transaction((r) =>
        r.idempotency.complete(merchantId, key, response.status, response.body),
      );
    }
    return response;
  }

  /** Forgets keys past their retention time. */
  purgeExpired(limit = 500): Promise<number> {
    return this.options.storage.repos.idempotency.deleteExpired(this.options.clock.now(), limit);
  }
}
