import { hostname } from 'node:os';
import { isExpired } from '../domain/card.js';
import type { Clock } from '../domain/clock.js';
import { unixSeconds } from '../domain/clock.js';
import { classifyDecline, type DeclineClassKind } from '../domain/decline-class.js';
import { DomainError } from '../domain/domain-error.js';
import { plannedRetryAt, retryWindowEnd } from '../domain/dunning-policy.js';
import { newId } from '../domain/ids.js';
import { isReattemptRefusal, reattemptRefusal } from '../domain/reattempt.js';
import {
  cardValidUntil,
  cycleDueAt,
  cycleWithinSchedule,
  EXPIRY_NOTICE_MS,
  type EndReason,
  type Schedule,
} from '../domain/schedule.js';
import type { Transaction } from '../domain/transaction.js';
import {
  enqueueScheduleEvents,
  scheduleEventRows,
  type CycleDetail,
  type ScheduleEvent,
} from '../notifications/schedule-events.js';
import type { ProfileWithCard } from '../storage/profile-repo.js';
import type { Shop } from '../storage/merchant-repo.js';
import {
  AttemptTakenError,
  progressOf,
  type ClaimedSchedule,
  type ScheduleWork,
} from '../storage/schedule-repo.js';
import type { Repos } from '../storage/storage.js';
import { debitProfile } from './debit-profile.js';
import { liveRetryState } from './reattempt-state.js';
import type { PaymentsDeps } from './deps.js';
import type { DueWork } from './due-work.js';

const DAY = 86_400_000;

export interface ScheduleRunnerOptions {
  /**
   * How many schedules one claim takes (default 256: a worker round's other tasks run between claims, so
   * larger claims charge faster; the lease bounds how long a claim may take, see `runBatch`).
   */
  batchSize?: number;
  /** How many of them run at once. */
  concurrency?: number;
  /**
   * The worker's all-shops round leaves test-clock shops to their clock (sandbox): their schedules are due at
   * the shop's time, run by its advance (docs/recurring.md, "The test clock").
   */
  skipClockShops?: boolean;
}

/** One run: the time it runs at, who holds the leases, the shops it has read. */
interface Run {
  deps: PaymentsDeps;
  /** The debit path, on a clock that reads `now` at the start of the run and moves with the wall clock. */
  cycleDeps: PaymentsDeps;
  now: number;
  wallNow: number;
  owner: string;
  leaseUntil: number;
  shops: Map<string, Promise<Shop | undefined>>;
  /** Schedule states whose save also let the lease go (nothing more was due on them). */
  released: WeakSet<Schedule>;
  /**
   * The profiles (with card and retry state) of the batch's due charges, read in one statement when it was
   * claimed; each is used once, by its schedule's first charge. The pending row's INSERT re-checks that the
   * profile is still active with that card, as after any read.
   */
  profiles: Map<string, ProfileWithCard>;
  /**
   * Cards this run has charged (or started to). A card's next charge in the run reads its profile afresh, after
   * the one before has finished (runBatch runs them in turn), so that it sees the retry state that one left.
   */
  charging: Set<string>;
  /**
   * Schedules whose debit the reattempt rules refused on a fresher read than the runner's (the card was
   * declined meanwhile): their step is decided once more on a read of their own, then treated as any refusal.
   */
  refusedOnce: Set<string>;
}

/** A runner's step ended: `waiting` keeps the lease (the attempt's payment is still pending), `lost` had none. */
type Halt = 'waiting' | 'lost';

function shiftedClock(clock: Clock, now: number): Clock {
  const wallAtStart = clock.now();
  return { now: () => now + (clock.now() - wallAtStart) };
}

function newRun(deps: PaymentsDeps, owner: string, now: number): Run {
  const wallNow = deps.clock.now();
  // Longer than one debit can take (the acquirer's expiry), so a live runner keeps its schedules.
  const leaseMs = 2 * deps.acquirerExpiryMs + 10_000;
  return {
    deps,
    // Real time stays real for the acquirer's deadlines (a test clock's `now` is not the acquirer's time).
    cycleDeps: { ...deps, clock: shiftedClock(deps.clock, now), wallClock: deps.wallClock ?? deps.clock },
    now,
    wallNow,
    owner: `${owner}:${newId().slice(0, 8)}`,
    leaseUntil: wallNow + leaseMs,
    shops: new Map(),
    released: new WeakSet(),
    profiles: new Map(),
    charging: new Set(),
    refusedOnce: new Set(),
  };
}

function shopOf(run: Run, serviceId: string): Promise<Shop | undefined> {
  let shop = run.shops.get(serviceId);
  if (!shop) {
    shop = run.deps.storage.repos.merchants.getShopById(serviceId);
    run.shops.set(serviceId, shop);
  }
  return shop;
}

/**
 * Writes the schedule's next state and its events together, while this run holds the lease — one statement on
 * PostgreSQL for the usual step (a state and at most one event), else one transaction — and lets the lease go
 * in the same write when nothing more is due on it now. If the status changed meanwhile (a pause or cancel
 * through the API), the cycle's progress is still recorded — what was charged stays charged — and the new
 * status stands.
 */
async function save(
  run: Run,
  before: Schedule,
  next: Schedule,
  shop: Shop,
  events: ScheduleEvent[],
): Promise<Schedule | Halt> {
  const { storage, clock } = run.deps;
  // A test-clock shop's notifications are sent at its time: queued at it, not at the wall clock's.
  const wallNow = shop.testClockAt ?? clock.now();
  const inboxUrl = run.deps.inboxUrl?.(shop) ?? null;
  const rows = scheduleEventRows(next, shop, events, run.now, wallNow, inboxUrl);
  const release = !due(next, 'charge', run.now) && !due(next, 'notice', run.now);
  const write = (repos: Repos) =>
    repos.schedules.saveLeasedAndEnqueue(next.id, run.owner, before.status, progressOf(next), release, rows);
  if (await (rows.length <= 1 ? storage.atomically(write) : storage.transaction(write))) {
    if (release) run.released.add(next);
    if (rows.length > 0) run.deps.notificationQueued?.();
    return next;
  }
  const saved = await storage.transaction(async (repos): Promise<Schedule | Halt> => {
    // Harmless for a paused or cancelled schedule (neither is claimed); a resume starts from it.
    const { status: _status, endReason: _reason, ...progress } = progressOf(next);
    if (!(await repos.schedules.saveProgressOnly(next.id, run.owner, progress))) return 'lost';
    const stored = await repos.schedules.get(next.merchantId, next.id);
    if (!stored) return 'lost';
    events = events.filter(
      (e) => e.event.startsWith('schedule.cycle.') && e.event !== 'schedule.cycle.upcoming',
    );
    await enqueueScheduleEvents(repos, stored, shop, events, run.now, wallNow, inboxUrl);
    return stored;
  });
  if (typeof saved !== 'string' && events.length > 0) run.deps.notificationQueued?.();
  return saved;
}

function noticeAtFor(shop: Shop, dueAt: number): number {
  return dueAt - shop.noticeDays * DAY;
}

/** After a settled cycle: the next one, or the end of a schedule that has had its last. */
function nextCycle(s: Schedule, shop: Shop): Schedule {
  const n = s.cycle + 1;
  const due = cycleDueAt(s.startAt, s.intervalUnit, s.intervalCount, n);
  if (!cycleWithinSchedule(s, n, due)) return ended(s, 'completed');
  return {
    ...s,
    status: 'active',
    cycle: n,
    cycleDueAt: due,
    attempts: 0,
    chargeAt: due,
    noticeAt: noticeAtFor(shop, due),
    blockedCardId: null,
  };
}

function ended(s: Schedule, reason: EndReason): Schedule {
  return { ...s, status: 'ended', endReason: reason, chargeAt: null, noticeAt: null, expiryNoticeAt: null };
}

/** The last moment a retry of the current cycle may be made: the policy's window, and before the next cycle. */
function retryDeadline(s: Schedule, shop: Shop): number {
  const nextDue = cycleDueAt(s.startAt, s.intervalUnit, s.intervalCount, s.cycle + 1);
  return Math.min(retryWindowEnd(shop, s.cycleDueAt), nextDue - 1);
}

/**
 * After a declined (or not sent) attempt of the current cycle: the next retry, or the end. Never after a hard
 * decline; never before a soft decline's retry-after time; an update-needed card is retried only once replaced.
 */
function afterDecline(
  s: Schedule,
  shop: Shop,
  kind: DeclineClassKind,
  retryAfter: number | null,
  cardId: string | null,
): Schedule {
  if (kind === 'hard') return ended(s, 'hard_decline');
  const planned = plannedRetryAt(shop, s.cycleDueAt, s.attempts);
  const at = planned === null ? null : Math.max(planned, retryAfter ?? 0);
  if (at === null || at > retryDeadline(s, shop)) {
    return ended(s, kind === 'update_needed' ? 'card_not_updated' : 'retries_exhausted');
  }
  return {
    ...s,
    status: 'past_due',
    chargeAt: at,
    blockedCardId: kind === 'update_needed' ? cardId : null,
  };
}

function cycleDetail(s: Schedule, extra: Partial<CycleDetail> = {}): CycleDetail {
  return { number: s.cycle, dueAt: unixSeconds(s.cycleDueAt), ...extra };
}

/** The events of a status change between two states of a schedule. */
function statusEvents(before: Schedule, after: Schedule): ScheduleEvent[] {
  const events: ScheduleEvent[] = [];
  if (before.status === 'active' && after.status === 'past_due') events.push({ event: 'schedule.past_due' });
  if (before.status === 'past_due' && after.status === 'active') events.push({ event: 'schedule.recovered' });
  if (after.status === 'ended' && before.status !== 'ended') events.push({ event: 'schedule.ended' });
  return events;
}

/** The decline's class as finalising it recorded it on the card (with its Merchant Advice Code). */
async function declineOf(
  run: Run,
  s: Schedule,
  t: Transaction,
): Promise<{ kind: DeclineClassKind; retryAfter: number | null }> {
  if (t.status !== 'rejected') return { kind: 'soft', retryAfter: null }; // an acquirer error, not a decline
  const repos = run.deps.storage.repos;
  const card = t.cardId ? await repos.cards.getCard(t.cardId) : undefined;
  const state = card ? await repos.cardRetry.get(s.merchantId, card.fingerprint) : undefined;
  if (state?.hardDeclinedAt != null) return { kind: 'hard', retryAfter: null };
  if (state?.lastDeclineAt != null && state.declineClass)
    return { kind: state.declineClass, retryAfter: state.retryAfter };
  return { kind: classifyDecline(t.statusCode ?? 'CODE_99').kind, retryAfter: null };
}

/** Applies a finished attempt of the current cycle. */
async function applyOutcome(
  run: Run,
  s: Schedule,
  shop: Shop,
  attempt: number,
  t: Transaction,
): Promise<Schedule | Halt> {
  const base: Schedule = { ...s, attempts: attempt, lastTransactionId: t.id, modifiedAt: run.now };
  const detail = cycleDetail(s, {
    attempt,
    transactionId: t.id,
    status: t.status,
    statusCode: t.statusCode ?? undefined,
  });
  if (t.status === 'settled' || t.status === 'authorized') {
    const next = nextCycle({ ...base, cyclesSettled: s.cyclesSettled + 1 }, shop);
    const events: ScheduleEvent[] = [{ event: 'schedule.cycle.settled', cycle: detail }];
    if (s.status === 'past_due') events.push({ event: 'schedule.recovered' });
    if (next.status === 'ended') events.push({ event: 'schedule.ended' });
    return save(run, s, next, shop, events);
  }
  const decline = await declineOf(run, s, t);
  const next = afterDecline(base, shop, decline.kind, decline.retryAfter, t.cardId);
  const declined: ScheduleEvent = {
    event: 'schedule.cycle.declined',
    cycle: {
      ...detail,
      declineClass: decline.kind,
      nextAttemptAt: next.status === 'past_due' && next.chargeAt !== null ? unixSeconds(next.chargeAt) : null,
    },
  };
  return save(run, s, next, shop, [declined, ...statusEvents(s, next)]);
}

/** An attempt not sent to the acquirer (an expired or not yet replaced card): counted, and the cycle moves on. */
async function notSent(
  run: Run,
  s: Schedule,
  shop: Shop,
  cardId: string,
  extra: ScheduleEvent[],
): Promise<Schedule | Halt> {
  const base: Schedule = { ...s, attempts: s.attempts + 1, modifiedAt: run.now };
  const next = afterDecline(base, shop, 'update_needed', null, cardId);
  return save(run, s, next, shop, [...extra, ...statusEvents(s, next)]);
}

/** Sends the pre-billing notice of the current cycle. */
async function sendUpcoming(run: Run, s: Schedule, shop: Shop): Promise<Schedule | Halt> {
  const next: Schedule = { ...s, noticeAt: null, modifiedAt: run.now };
  return save(run, s, next, shop, [{ event: 'schedule.cycle.upcoming', cycle: cycleDetail(s) }]);
}

/** The schedule's profile for a charge: the batch's read the first time its card is charged in the run. */
async function profileToCharge(run: Run, s: Schedule): Promise<ProfileWithCard | undefined> {
  const read = run.profiles.get(s.profileId);
  run.profiles.delete(s.profileId);
  const found =
    read && read.profile.merchantId === s.merchantId && !run.charging.has(read.profile.fingerprint)
      ? read
      : await run.deps.storage.repos.profiles.getProfileWithCard(s.merchantId, s.profileId);
  if (found) run.charging.add(found.profile.fingerprint);
  return found;
}

/**
 * One debit of the schedule's current cycle (or the decision not to make it). `takenOver`: the schedule was
 * claimed from a runner that did not let it go, so this attempt may have been made already; otherwise it
 * cannot have been (only a lease holder makes one, and it lets go only after recording its outcome), and the
 * read is skipped — the attempt row's primary key still refuses a second one.
 */
async function chargeStep(run: Run, s: Schedule, shop: Shop, takenOver: boolean): Promise<Schedule | Halt> {
  // The payer hears of a cycle before it is charged, even when both fell due in the same run.
  if (s.noticeAt !== null && s.chargeAt !== null && s.noticeAt <= s.chargeAt && s.attempts === 0) {
    const noticed = await sendUpcoming(run, s, shop);
    if (typeof noticed === 'string') return noticed;
    s = noticed;
  }
  const repos = run.deps.storage.repos;
  const attempt = s.attempts + 1;
  const existing = takenOver ? await repos.schedules.getAttempt(s.id, s.cycle, attempt) : undefined;
  let t: Transaction | undefined;
  if (existing) {
    // Made before (a crash, or a runner whose lease ran out): its transaction is the attempt, never a new one.
    t = await repos.transactions.getTransactionById(existing.transactionId);
  } else {
    const found = await profileToCharge(run, s);
    if (!found || !found.profile.isActive) {
      const next = ended(s, 'profile_inactive');
      return save(run, s, next, shop, statusEvents(s, next));
    }
    const { profile, card } = found;
    if (isExpired(card, new Date(run.now))) {
      const first = s.blockedCardId !== profile.cardId;
      const expired: ScheduleEvent[] = first
        ? [
            {
              event: 'schedule.card.expired',
              card: { maskedNumber: profile.maskedNumber, month: card.month, year: card.year },
            },
          ]
        : [];
      return notSent(run, s, shop, profile.cardId, expired);
    }
    if (s.blockedCardId === profile.cardId) return notSent(run, s, shop, profile.cardId, []);
    const refusal = reattemptRefusal(
      await liveRetryState(run.deps.storage.repos, s.merchantId, found.retry),
      card,
      run.now,
    );
    // Another reattempt of the card (another subscription, the shop's own debit) is with the acquirer: this
    // one is decided on its outcome, once the lease lets another round take the schedule.
    if (refusal?.reason === 'in_progress') return 'waiting';
    if (refusal?.reason === 'hard_decline') {
      const next = ended(s, 'hard_decline');
      return save(run, s, next, shop, statusEvents(s, next));
    }
    if (refusal?.reason === 'update_needed') return notSent(run, s, shop, profile.cardId, []);
    if (refusal) {
      // Too early, or the card's 30-day reattempt count is spent: wait for it, within the retry window.
      const next: Schedule =
        refusal.until <= retryDeadline(s, shop)
          ? { ...s, chargeAt: refusal.until, modifiedAt: run.now }
          : ended({ ...s, modifiedAt: run.now }, 'retries_exhausted');
      return save(run, s, next, shop, statusEvents(s, next));
    }
    try {
      const result = await debitProfile(
        run.cycleDeps,
        s.merchantId,
        {
          serviceId: s.serviceId,
          paymentProfileId: s.profileId,
          amount: s.amount,
          currency: s.currency as Transaction['currency'],
          orderId: `${s.id}/${s.cycle}`,
          title: s.title,
        },
        {
          scheduleAttempt: { scheduleId: s.id, cycle: s.cycle, attempt, createdAt: run.wallNow },
          read: { shop, profile: found },
        },
      );
      t = result.transaction;
    } catch (err) {
      if (err instanceof AttemptTakenError) return 'waiting';
      if (err instanceof DomainError && err.key === 'acquirerUnreachable') return 'waiting';
      if (err instanceof DomainError && err.key === 'reattemptInProgress') return 'waiting';
      if (err instanceof DomainError && isReattemptRefusal(err.key) && !run.refusedOnce.has(s.id)) {
        // The card's retry state changed after the runner read it (another debit of the card was declined,
        // and the pending row's INSERT saw it): the same step again, on a fresh read, ends the schedule on a
        // hard decline or waits for the card as the rules say — no debit either way.
        run.refusedOnce.add(s.id);
        return { ...s };
      }
      if (err instanceof DomainError) {
        // Refused before anything was stored (a limit changed, a concurrent decline): not sent; retried later.
        run.deps.log.warn(
          { scheduleId: s.id, code: err.code },
          'scheduled cycle refused before the acquirer',
        );
        const base: Schedule = { ...s, attempts: s.attempts + 1, modifiedAt: run.now };
        const next = afterDecline(base, shop, 'soft', null, null);
        return save(run, s, next, shop, statusEvents(s, next));
      }
      throw err;
    }
  }
  if (!t) throw new Error(`schedule ${s.id}: attempt ${attempt} of cycle ${s.cycle} has no transaction`);
  // Still with the acquirer (or left for the recovery chore): look again once the lease runs out.
  if (t.stage !== 'done') return 'waiting';
  return applyOutcome(run, s, shop, attempt, t);
}

/** The notices due on a schedule: the cycle's pre-billing notice, the card's expiry notice. */
async function noticeStep(run: Run, s: Schedule, shop: Shop): Promise<Schedule | Halt> {
  let next: Schedule = { ...s, modifiedAt: run.now };
  const events: ScheduleEvent[] = [];
  if (s.noticeAt !== null && s.noticeAt <= run.now) {
    events.push({ event: 'schedule.cycle.upcoming', cycle: cycleDetail(s) });
    next.noticeAt = null;
  }
  if (s.expiryNoticeAt !== null && s.expiryNoticeAt <= run.now) {
    const found = await run.deps.storage.repos.profiles.getProfileWithCard(s.merchantId, s.profileId);
    const noticeAt = found ? cardValidUntil(found.card) - EXPIRY_NOTICE_MS : null;
    if (found && noticeAt !== null && noticeAt > run.now) {
      next.expiryNoticeAt = noticeAt; // the card was replaced meanwhile: the new one's turn comes later
    } else {
      next.expiryNoticeAt = null;
      if (found)
        events.push({
          event: 'schedule.card.expiring',
          card: { maskedNumber: found.profile.maskedNumber, month: found.card.month, year: found.card.year },
        });
    }
  }
  next = { ...next };
  return save(run, s, next, shop, events);
}

const due = (s: Schedule, work: ScheduleWork, now: number): boolean => {
  if (s.status !== 'active' && s.status !== 'past_due') return false;
  if (work === 'charge') return s.chargeAt !== null && s.chargeAt <= now;
  return (s.noticeAt !== null && s.noticeAt <= now) || (s.expiryNoticeAt !== null && s.expiryNoticeAt <= now);
};

/**
 * Works one claimed schedule until nothing is due on it at `now`, in time order — notices and charges alike,
 * whichever runner claimed it (the other could not take it meanwhile) — then lets it go.
 */
async function work(run: Run, { schedule: s, takenOver }: ClaimedSchedule): Promise<void> {
  const shop = await shopOf(run, s.serviceId);
  if (!shop) {
    run.deps.log.error({ scheduleId: s.id }, 'schedule of a shop that no longer exists');
    return;
  }
  let current: Schedule | Halt = s;
  // Bounded: every step moves the schedule on (a cycle, an attempt, a later retry time, a sent notice).
  for (let i = 0; i < 1000 && typeof current !== 'string'; i++) {
    const charge = due(current, 'charge', run.now);
    const notice = due(current, 'notice', run.now);
    if (!charge && !notice) break;
    const noticeFirst: boolean =
      notice &&
      (!charge ||
        Math.min(current.noticeAt ?? Infinity, current.expiryNoticeAt ?? Infinity) < current.chargeAt!);
    current = noticeFirst
      ? await noticeStep(run, current, shop)
      : await chargeStep(run, current, shop, takenOver);
  }
  if (current !== 'waiting' && current !== 'lost' && !run.released.has(current))
    await run.deps.storage.repos.schedules.release(s.id, run.owner);
}

async function pooled<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(lanes);
}

/** One claim of due schedules and the work on each; returns how many were claimed. */
async function runBatch(
  deps: PaymentsDeps,
  kind: ScheduleWork,
  owner: string,
  shopId: string | null,
  now: number,
  options: Required<ScheduleRunnerOptions>,
): Promise<number> {
  const run = newRun(deps, owner, now);
  const claimed = await deps.storage.repos.schedules.claimDue(
    kind,
    shopId,
    now,
    { owner: run.owner, until: run.leaseUntil, wallNow: run.wallNow },
    options.batchSize,
    shopId === null && options.skipClockShops,
  );
  // The profiles of the charges, in one read rather than one each. A schedule taken over reads its profile
  // again when it charges (it may find the dead runner's attempt and need none, or one made since the read),
  // but its card is known here, so that it still queues behind the other charges of that card.
  const cardOf = new Map<string, string>();
  if (kind === 'charge') {
    const fresh = new Set(claimed.filter((c) => !c.takenOver).map((c) => c.schedule.profileId));
    const ids = [...new Set(claimed.map((c) => c.schedule.profileId))];
    for (const found of await deps.storage.repos.profiles.getProfilesWithCard(ids)) {
      cardOf.set(found.profile.id, found.profile.fingerprint);
      if (fresh.has(found.profile.id)) run.profiles.set(found.profile.id, found);
    }
  }
  // A schedule is started only while its lease outlasts the longest step (one debit: the acquirer's expiry),
  // so a long batch behind a slow acquirer never works on a schedule whose lease another runner may take.
  const lastStart = run.leaseUntil - deps.acquirerExpiryMs - 10_000;
  // Schedules charging one card run one after the other, so that each sees the retry state the one before
  // left (a decline, a hard decline) rather than the same clean read; different cards run side by side.
  const byCard = new Map<string, ClaimedSchedule[]>();
  for (const c of claimed) {
    const card = cardOf.get(c.schedule.profileId) ?? `schedule:${c.schedule.id}`;
    const group = byCard.get(card);
    if (group) group.push(c);
    else byCard.set(card, [c]);
  }
  await pooled([...byCard.values()], options.concurrency, async (group) => {
    for (const s of group) {
      try {
        if (deps.clock.now() > lastStart) {
          // Let go for the next claim; one taken over stays held until its lease ends, so that claim still
          // knows to look for the dead runner's attempt.
          if (!s.takenOver) await deps.storage.repos.schedules.release(s.schedule.id, run.owner);
          continue;
        }
        await work(run, s);
      } catch (err) {
        // The lease runs out and another round takes the schedule again; its attempts are rows, nothing is lost.
        deps.log.error({ err, scheduleId: s.schedule.id }, 'schedule run failed');
      }
    }
  });
  return claimed.length;
}

/** A schedule runner: the shop-scoped `DueWork` a test clock drives, and the all-shops round the worker runs. */
export interface ScheduleDueWork extends DueWork {
  /** One round over every shop at `now` (the worker, at wall-clock time); returns how many schedules it took. */
  runRound(now: number): Promise<number>;
}

function scheduleDueWork(
  deps: PaymentsDeps,
  kind: ScheduleWork,
  name: string,
  options: ScheduleRunnerOptions,
): ScheduleDueWork {
  const owner = `${hostname()}:${process.pid}:${name}`;
  const o = {
    batchSize: options.batchSize ?? 256,
    concurrency: options.concurrency ?? 8,
    skipClockShops: options.skipClockShops ?? false,
  };
  return {
    name,
    nextDueAt: (shopId) => deps.storage.repos.schedules.nextDue(kind, shopId),
    async runDue(shopId, now) {
      let total = 0;
      for (;;) {
        const n = await runBatch(deps, kind, owner, shopId, now, o);
        total += n;
        if (n === 0) return total;
      }
    },
    runRound: (now) => runBatch(deps, kind, owner, null, now, o),
  };
}

/** Scheduled cycles and their retries (docs/recurring.md, "Schedules"). */
export function scheduleCycles(deps: PaymentsDeps, options: ScheduleRunnerOptions = {}): ScheduleDueWork {
  return scheduleDueWork(deps, 'charge', 'cycles', options);
}

/** Pre-billing notices and card-expiry notices of schedules. */
export function scheduleNotices(deps: PaymentsDeps, options: ScheduleRunnerOptions = {}): ScheduleDueWork {
  return scheduleDueWork(deps, 'notice', 'notices', options);
}
