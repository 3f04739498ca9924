import type { Clock } from '../domain/clock.js';
import type { Shop } from '../storage/merchant-repo.js';
import type { PaymentsDeps, RequestContext } from './deps.js';

/** The shop's time: its test clock's frozen time when it has one (sandbox), else the gateway's clock. */
export function shopNow(deps: PaymentsDeps, shop: Pick<Shop, 'testClockAt'> | undefined): number {
  return shop?.testClockAt ?? deps.clock.now();
}

/**
 * The deps a use case works with once it has read the shop: for a test-clock shop, `clock` is the shop's
 * frozen time (creation, modification, challenge and key expiry, notification times), while `wallClock` keeps
 * real time for what the acquirer must agree on (attempt deadlines). A shop without a clock gets `deps` itself.
 */
export function atShopTime(deps: PaymentsDeps, shop: Pick<Shop, 'testClockAt'>): PaymentsDeps {
  if (shop.testClockAt === null || shop.testClockAt === undefined) return deps;
  return atTime(deps, shop.testClockAt);
}

/** `deps` with the clock standing at `at` (a step of a test clock's advance), real time kept as `wallClock`. */
export function atTime(deps: PaymentsDeps, at: number): PaymentsDeps {
  const frozen: Clock = { now: () => at };
  return { ...deps, clock: frozen, wallClock: deps.wallClock ?? deps.clock };
}

/** The test-clock part of attaching a transaction to its Idempotency-Key: the key expires at the shop's time. */
export function keyClock(
  deps: PaymentsDeps,
  shop: Pick<Shop, 'id' | 'testClockAt'>,
  ctx: RequestContext,
): { shopId: string; expiresAt: number } | undefined {
  if (!ctx.idempotency || shop.testClockAt === null || shop.testClockAt === undefined) return undefined;
  return { shopId: shop.id, expiresAt: shop.testClockAt + (deps.idempotencyTtlMs ?? 0) };
}
