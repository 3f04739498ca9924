import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../domain/clock.js';
import { DomainError, validationError } from '../domain/domain-error.js';
import { addDuration, LATEST_TIME, parseDuration, parseInstant } from '../domain/duration.js';
import { newId } from '../domain/ids.js';
import type { Logger } from '../domain/log-port.js';
import type { TestClockRow } from '../storage/test-clock-repo.js';
import type { Storage } from '../storage/storage.js';
import type { DueWork } from './due-work.js';

/** A shop's test clock as the API shows it. */
export interface TestClockState {
  serviceId: string;
  /** The shop's frozen time (Unix ms). */
  frozenAt: number;
  /** Where an advance in progress, or one that was interrupted, is going; null when none. */
  advancingTo: number | null;
  /** Whether an advance holds the clock right now. */
  advancing: boolean;
}

/** What an advance did. */
export interface AdvanceReport {
  from: number;
  to: number;
  /** How many distinct moments the clock stopped at to run what was due. */
  steps: number;
  /** Items handled per kind of due work (`DueWork.name`). */
  handled: Record<string, number>;
}

/** `by` (a duration: `1mo`, `P1M`, `7d` …) or `to` (an ISO 8601 date-time); neither: finish an interrupted one. */
export interface AdvanceSpec {
  by?: string | undefined;
  to?: string | undefined;
}

export interface TestClocksOptions {
  storage: Storage;
  mode: 'sandbox' | 'production';
  /** Real time: leases between advancing processes, and the moment a new clock starts at by default. */
  clock: Clock;
  /** Every kind of work that falls due, in the order work due at the same moment runs. */
  work: () => readonly DueWork[];
  log: Logger;
  /** How long an advance holds a shop's clock without renewing (renewed every third of it). */
  leaseMs?: number;
  /**
   * How long an advance waits for work due at its clock that another process holds (a schedule whose runner
   * died holds it for its lease) before it answers 409 `testClockWorkHeld`, its clock stopped there.
   */
  heldWaitMs?: number;
}

/** Past this many rounds at one moment, a kind of work that still reports work due then is left for later. */
const MAX_ROUNDS_AT_ONE_MOMENT = 1000;
/** How often an advance looks again at work due now that another process holds. */
const HELD_POLL_MS = 250;

/**
 * Test clocks (sandbox only): per shop, a frozen time its payments carry, advanced on request. An advance runs,
 * in time order, everything of that shop's that falls due before the target (challenge expiries, notification
 * retries, Idempotency-Key expiry, and whatever else is registered as `DueWork`), stopping the clock at each
 * moment something is due; it answers when done. The clock is stored at every stop and only moves forward,
 * so an advance killed midway is finished by the next one, and nothing is done twice (the work itself is
 * rows claimed by compare-and-set). One advance per shop at a time: it holds the shop under a renewed lease.
 */
export class TestClocks {
  private readonly leaseMs: number;
  private readonly heldWaitMs: number;

  constructor(private readonly o: TestClocksOptions) {
    this.leaseMs = o.leaseMs ?? 15_000;
    this.heldWaitMs = o.heldWaitMs ?? 120_000;
  }

  async show(merchantId: string, serviceId: string): Promise<TestClockState> {
    return this.view(await this.existing(merchantId, serviceId));
  }

  /** Starts the shop's clock, frozen at `at` (ISO 8601; default now). */
  async freeze(merchantId: string, serviceId: string, at?: string): Promise<TestClockState> {
    this.sandboxOnly();
    const row = await this.row(merchantId, serviceId);
    const start = at === undefined ? this.o.clock.now() : instant('frozenAt', at);
    if (!(await this.o.storage.repos.testClocks.freeze(row.shopId, start)))
      throw new DomainError('testClockExists');
    return this.show(merchantId, serviceId);
  }

  /** Returns the shop to real time (refused while an advance runs). */
  async remove(merchantId: string, serviceId: string): Promise<void> {
    const row = await this.existing(merchantId, serviceId);
    if (!(await this.o.storage.repos.testClocks.remove(row.shopId, this.o.clock.now()))) {
      throw new DomainError('testClockBusy');
    }
  }

  async advance(merchantId: string, serviceId: string, spec: AdvanceSpec): Promise<AdvanceReport> {
    const found = await this.existing(merchantId, serviceId);
    if (spec.by !== undefined && spec.to !== undefined) {
      throw validationError('by', 'Send either by (a duration) or to (a date-time), not both.');
    }
    const repo = this.o.storage.repos.testClocks;
    const owner = newId();
    if (!(await repo.claim(found.shopId, owner, this.o.clock.now() + this.leaseMs, this.o.clock.now()))) {
      throw new DomainError('testClockBusy');
    }
    const lease = new Lease(this.o, this.leaseMs, found.shopId, owner);
    let finished = false;
    try {
      const row = (await repo.get(merchantId, serviceId))!;
      const from = row.at!;
      // An interrupted advance's target is finished first: the new one goes from there.
      const base = Math.max(from, row.target ?? from);
      const target = targetOf(base, spec);
      if (!(await repo.renew(found.shopId, owner, this.o.clock.now() + this.leaseMs, target))) {
        throw new DomainError('testClockBusy');
      }
      try {
        const report = await this.run(found.shopId, owner, from, target, lease);
        finished = await repo.finish(found.shopId, owner);
        if (!finished) throw new DomainError('testClockBusy');
        return report;
      } catch (err) {
        // The target is stored and the clock may have moved towards it: a retry under the same Idempotency-Key
        // must get this answer again, not run the advance once more (`by` would then count from the stored
        // target, and the clock would move twice as far). Only a refusal before this point did nothing.
        if (err instanceof DomainError && err.retryLater)
          throw new DomainError(err.key, err.errors, err.message, { retryLater: false });
        throw err;
      }
    } finally {
      await lease.stop();
      // Not finished (an error): the target stays for the next advance to finish, and the lease is let go now.
      if (!finished) await repo.renew(found.shopId, owner, 0).catch(() => false);
    }
  }

  /**
   * The worker's part (sandbox): for every test-clock shop no advance holds, runs what is due at or before
   * its frozen time — a notification queued by a payment made under the clock goes out at once, at the
   * shop's time, and a retry waits for the clock to pass it. Returns whether anything was done.
   */
  async runDueAtFrozenTimes(): Promise<boolean> {
    if (this.o.mode !== 'sandbox') return false;
    let handled = 0;
    for (const { shopId, at } of await this.o.storage.repos.testClocks.listIdle(this.o.clock.now())) {
      for (const work of this.o.work()) {
        const due = await work.nextDueAt(shopId);
        if (due !== null && due <= at) handled += await work.runDue(shopId, at);
      }
    }
    return handled > 0;
  }

  private async run(
    shopId: string,
    owner: string,
    from: number,
    target: number,
    lease: Lease,
  ): Promise<AdvanceReport> {
    const works = this.o.work();
    const handled: Record<string, number> = Object.fromEntries(works.map((w) => [w.name, 0]));
    const repo = this.o.storage.repos.testClocks;
    let clock = from;
    let steps = 0;
    // Kinds of work that found nothing to do at `clock` although they report something due: not asked again
    // until the clock moves (their item is held elsewhere, or not theirs to finish yet).
    let idle = new Set<string>();
    // Kinds of work that found nothing to claim although something is due: held by another process.
    let held = new Set<string>();
    let rounds = 0;
    let waitedMs = 0;
    for (;;) {
      lease.check();
      const dues: Array<number | null> = [];
      for (const work of works) dues.push(await work.nextDueAt(shopId));
      let ran = false;
      for (const [i, work] of works.entries()) {
        const due = dues[i];
        if (due === null || due === undefined || due > clock || idle.has(work.name)) continue;
        const n = await work.runDue(shopId, clock);
        handled[work.name] = (handled[work.name] ?? 0) + n;
        if (n === 0) held.add(work.name);
        if (n === 0 || rounds >= MAX_ROUNDS_AT_ONE_MOMENT) idle.add(work.name);
        ran = true;
      }
      rounds++;
      if (ran) continue;
      // Something due now is held elsewhere (a payment still with the acquirer, a runner that died with its
      // lease): wait for it rather than move past it, so the order in time holds; give up after a while.
      const stillHeld = works.some((w, i) => held.has(w.name) && dues[i] !== null && dues[i]! <= clock);
      if (stillHeld) {
        if (waitedMs >= this.heldWaitMs) throw new DomainError('testClockWorkHeld');
        await sleep(HELD_POLL_MS);
        waitedMs += HELD_POLL_MS;
        idle = new Set();
        held = new Set();
        continue;
      }
      let next = Infinity;
      for (const due of dues) if (due !== null && due > clock && due < next) next = due;
      if (next > target) {
        if (clock === target) break;
        next = target;
      }
      // Stored before the work due then runs: a crash resumes from here, and the clock never goes back.
      if (!(await repo.step(shopId, owner, next))) throw new DomainError('testClockBusy');
      clock = next;
      steps++;
      idle = new Set();
      held = new Set();
      rounds = 0;
      waitedMs = 0;
    }
    this.o.log.info({ serviceId: shopId, from, to: target, steps, handled }, 'test clock advanced');
    return { from, to: target, steps, handled };
  }

  private sandboxOnly(): void {
    if (this.o.mode !== 'sandbox') throw new DomainError('testClockSandboxOnly');
  }

  private async row(merchantId: string, serviceId: string): Promise<TestClockRow> {
    this.sandboxOnly();
    const row = await this.o.storage.repos.testClocks.get(merchantId, serviceId);
    if (!row) throw new DomainError('shopNotFound', [{ property: 'serviceId', message: 'No such service.' }]);
    return row;
  }

  private async existing(merchantId: string, serviceId: string): Promise<TestClockRow & { at: number }> {
    const row = await this.row(merchantId, serviceId);
    if (row.at === null) throw new DomainError('testClockNotFound');
    return { ...row, at: row.at };
  }

  private view(row: TestClockRow & { at: number }): TestClockState {
    const now = this.o.clock.now();
    const held = row.owner !== null && row.leaseUntil !== null && row.leaseUntil >= now;
    return {
      serviceId: row.shopId,
      frozenAt: row.at,
      advancingTo: row.target !== null && row.target > row.at ? row.target : null,
      advancing: held,
    };
  }
}

function instant(property: string, text: string): number {
  const at = parseInstant(text);
  if (at === null) {
    throw validationError(
      property,
      'Must be an ISO 8601 date (2027-01-01) or date-time with Z or an offset.',
    );
  }
  if (at > LATEST_TIME) throw new DomainError('testClockBackwards', [{ property, message: 'After 9999.' }]);
  if (at < 0) throw validationError(property, 'Must be 1970-01-01 or later (times are Unix milliseconds).');
  return at;
}

function targetOf(base: number, spec: AdvanceSpec): number {
  let target = base;
  if (spec.to !== undefined) target = instant('to', spec.to);
  if (spec.by !== undefined) {
    const d = parseDuration(spec.by);
    if ('error' in d) throw validationError('by', d.error);
    target = addDuration(base, d);
  }
  if (!(target >= base) || target > LATEST_TIME) {
    throw new DomainError('testClockBackwards', [
      {
        property: spec.to !== undefined ? 'to' : 'by',
        message: `The clock stands at ${new Date(base).toISOString()}; the target must not be earlier, nor after 9999.`,
      },
    ]);
  }
  return target;
}

/** Keeps an advance's hold on its shop while it runs; `check()` throws once another process took it over. */
class Lease {
  private lost = false;
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly o: TestClocksOptions,
    private readonly leaseMs: number,
    private readonly shopId: string,
    private readonly owner: string,
  ) {
    this.timer = setInterval(
      () => {
        this.renewing = this.o.storage.repos.testClocks
          .renew(this.shopId, this.owner, this.o.clock.now() + this.leaseMs)
          .then((kept) => {
            if (!kept) this.lost = true;
          })
          .catch((err: unknown) => this.o.log.warn({ err }, 'test clock lease renewal failed'));
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    this.timer.unref();
  }

  check(): void {
    if (this.lost) throw new DomainError('testClockBusy');
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
  }
}
