import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import type { Logger } from '../domain/log-port.js';
import { maskCardNumbers } from '../domain/mask-card-numbers.js';
import type { NotificationRow } from '../storage/notification-repo.js';
import type { Storage } from '../storage/storage.js';
import { postOnce, type PostResult } from './http-post.js';
import { MAX_ATTEMPTS, nextAttemptAfter } from './retry-schedule.js';
import { signatureHeader } from './signer.js';
import { checkTarget, type Resolver } from './url-guard.js';

export type NotifyLogger = Pick<Logger, 'info' | 'warn'>;

export interface DeliveryDeps {
  storage: Storage;
  clock: Clock;
  log: NotifyLogger;
  mode: 'sandbox' | 'production';
  timeoutMs: number;
  /** DNS for the production address check; tests pass their own answers. */
  resolve?: Resolver;
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'lost-claim';

type Attempted = PostResult & { signature?: string };

/** Signs and sends the stored bytes once (no network unless the target passes the guard). */
async function attempt(deps: DeliveryDeps, row: NotificationRow): Promise<Attempted> {
  if (!row.url) return { httpStatus: null, error: 'no notification URL', durationMs: 0 };
  const check = await checkTarget(row.url, deps.mode, deps.resolve);
  if (!check.ok) return { httpStatus: null, error: check.error, durationMs: 0 };
  const shop = await deps.storage.repos.merchants.getShopById(row.serviceId);
  if (!shop) return { httpStatus: null, error: `shop ${row.serviceId} no longer exists`, durationMs: 0 };
  const body = Buffer.from(row.body, 'utf8');
  const signature = signatureHeader(row.merchantId, row.serviceId, body, shop.serviceKey);
  const result = await postOnce(
    check.target,
    body,
    { 'Content-Type': 'application/json', 'User-Agent': 'imoje', 'X-Imoje-Signature': signature },
    deps.timeoutMs,
  );
  if (result.httpStatus !== null && (result.httpStatus < 200 || result.httpStatus > 299)) {
    const hint = result.httpStatus >= 300 && result.httpStatus < 400 ? ' (redirects are not followed)' : '';
    return { ...result, signature, error: `HTTP ${result.httpStatus}${hint}` };
  }
  return { ...result, signature };
}

/**
 * One delivery attempt of a claimed notification: every attempt is recorded; the outcome is written only while
 * `owner` still holds the claim, so a worker whose lease ran out cannot overwrite another worker's result.
 */
export async function deliverOne(
  deps: DeliveryDeps,
  row: NotificationRow,
  owner: string,
): Promise<DeliveryOutcome> {
  const attemptedAt = deps.clock.now();
  const result = await attempt(deps, row);
  const repo = deps.storage.repos.notifications;
  await repo.recordAttempt({
    id: newId(),
    notificationId: row.id,
    attemptedAt,
    httpStatus: result.httpStatus,
    error: result.error,
    durationMs: result.durationMs,
    url: row.url,
    signature: result.signature ?? null,
    // Whatever the shop answered is shown to its developers: never a card number in clear, even if it echoed one.
    responseExcerpt:
      result.responseExcerpt === undefined || result.responseExcerpt === null
        ? null
        : maskCardNumbers(result.responseExcerpt),
  });
  const attempts = row.attempts + 1;
  const now = deps.clock.now();
  const log = { notificationId: row.id, transactionId: row.transactionId, attempt: attempts };
  let outcome: DeliveryOutcome;
  let settled: boolean;
  if (result.error === null) {
    outcome = 'delivered';
    settled = await repo.settle(row.id, owner, {
      status: 'delivered',
      attempts,
      nextAttemptAt: row.nextAttemptAt,
      lastError: null,
      deliveredAt: now,
    });
  } else {
    const next = nextAttemptAfter(attempts, now);
    outcome = next === null ? 'failed' : 'retry';
    settled = await repo.settle(row.id, owner, {
      status: next === null ? 'failed' : 'pending',
      attempts,
      nextAttemptAt: next ?? row.nextAttemptAt,
      lastError: result.error,
      deliveredAt: null,
    });
    const level = next === null ? 'warn' : 'info';
    deps.log[level](
      {
        ...log,
        error: result.error,
        ...(next === null ? { maxAttempts: MAX_ATTEMPTS } : { nextAttemptAt: next }),
      },
      next === null ? 'notification failed: retry schedule exhausted' : 'notification attempt failed',
    );
  }
  if (!settled) {
    deps.log.warn(log, 'notification claim was lost before its outcome was written');
    return 'lost-claim';
  }
  return outcome;
}
