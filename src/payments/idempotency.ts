import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../domain/clock.js';
import { DomainError } from '../domain/domain-error.js';
import type { Logger } from '../domain/log-port.js';
import type { Repos, Storage } from '../storage/storage.js';
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
  /**
   * How long a claim lasts unless renewed. Its holder renews it every third of this while it works, so only a
   * holder that died (or stalled that long) can be taken over.
   */
  leaseMs: number;
  /** How long a duplicate waits for the first request to finish before answering 409. */
  waitMs: number;
  log?: Logger | undefined;
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
 * releases its claim so the client may retry. An answer given while the key's transaction still waited on the
 * acquirer is stored as provisional (`unsettled`): a replay answers with the transaction's outcome once known.
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
      if (claimed) {
        const response = await this.execute(merchantId, key, now + this.options.leaseMs, execute);
        return { ...response, replayed: false };
      }

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
      if (
        existing.state === 'unsettled' &&
        existing.responseStatus !== null &&
        existing.responseBody !== null
      ) {
        const settled = existing.transactionId ? await resume(existing.transactionId) : undefined;
        if (!settled) return { status: existing.responseStatus, body: existing.responseBody, replayed: true };
        const won = await storage.transaction((r) =>
          r.idempotency.settle(merchantId, key, settled.status, settled.body),
        );
        if (won) return { ...settled, replayed: true };
        continue; // another replay stored the final answer first: answer with that one
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
                r.idempotency.complete(merchantId, key, resumed.status, resumed.body, newLease),
              );
              return { ...resumed, replayed: true };
            }
            // Its outcome isn't known yet: give the claim back, so this retry (or another) may look again.
            await repos.idempotency.takeOver(merchantId, key, newLease, 0);
            if (clock.now() >= deadline) throw inFlight();
            await sleep(Math.min(50 * (round + 1), 500));
            continue;
          }
          return { ...(await this.execute(merchantId, key, newLease, execute)), replayed: false };
        }
        continue;
      }
      if (now >= deadline) throw inFlight();
      await sleep(Math.min(5 * (round + 1), 50));
    }
  }

  private async execute(
    merchantId: string,
    key: string,
    leaseUntil: number,
    execute: (ctx: RequestContext) => Promise<StoredResponse>,
  ): Promise<StoredResponse> {
    const { storage } = this.options;
    const lease = new LeaseHeartbeat(this.options, merchantId, key, leaseUntil);
    let response: StoredResponse;
    try {
      response = await execute({ idempotency: { merchantId, key } });
    } catch (err) {
      await lease.stop();
      await storage
        .transaction((r) => r.idempotency.release(merchantId, key, lease.until))
        .catch(() => undefined);
      throw err;
    }
    await lease.stop();
    // Whoever took the key over (only possible after this holder stalled a whole lease) answers for it: the
    // writes below are compare-and-set on this holder's lease, which its heartbeat may not have seen go.
    if (lease.lost) return response;
    if (response.status >= 500) {
      await storage.transaction((r) => r.idempotency.release(merchantId, key, lease.until));
    } else {
      await storage.transaction((r) =>
        r.idempotency.complete(merchantId, key, response.status, response.body, lease.until),
      );
    }
    return response;
  }

  /** Forgets keys past their retention time. */
  purgeExpired(limit = 500): Promise<number> {
    return this.options.storage.repos.idempotency.deleteExpired(this.options.clock.now(), limit);
  }
}

/**
 * Names `transactionId` as the key's, inside the database transaction that stores it; throws (the caller's
 * transaction rolls back, nothing is sent) when another request holding the key stored its own first — this
 * one stalled past its lease and was taken over. The client's retry then answers with that one's outcome.
 */
export async function attachToKey(
  repos: Repos,
  key: { merchantId: string; key: string },
  transactionId: string,
  clock?: { shopId: string; expiresAt: number },
): Promise<void> {
  if (!(await repos.idempotency.attachTransaction(key.merchantId, key.key, transactionId, clock)))
    throw inFlight();
}

function inFlight(): DomainError {
  return new DomainError('idempotencyInFlight', [
    { property: 'Idempotency-Key', message: 'The first request with this key is still in flight.' },
  ]);
}

/**
 * Keeps a claim's lease alive while its holder works (a slow acquirer, a long lookup), renewing it by
 * compare-and-set every third of the lease; a failed renewal means another request took the key over.
 */
class LeaseHeartbeat {
  lost = false;
  /** The lease as this holder last set it. */
  get until(): number {
    return this.leaseUntil;
  }
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly options: IdempotencyOptions,
    private readonly merchantId: string,
    private readonly key: string,
    private leaseUntil: number,
  ) {
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(
      () => {
        this.renewing = this.renew().finally(() => {
          if (!this.stopped && !this.lost) this.schedule();
        });
      },
      Math.max(1, Math.floor(this.options.leaseMs / 3)),
    );
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    const { storage, clock, leaseMs, log } = this.options;
    const next = clock.now() + leaseMs;
    try {
      const kept = await storage.transaction((r) =>
        r.idempotency.takeOver(this.merchantId, this.key, this.leaseUntil, next),
      );
      if (kept) {
        this.leaseUntil = next;
      } else if (!this.stopped) {
        this.lost = true;
        log?.warn({ merchantId: this.merchantId }, 'Idempotency-Key lease lost to another request');
      }
    } catch (err) {
      // A failed write (database blip) is retried at the next beat; the lease still has two thirds left.
      log?.warn({ err, merchantId: this.merchantId }, 'Idempotency-Key lease renewal failed');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.renewing;
  }
}
