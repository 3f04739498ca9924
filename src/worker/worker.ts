import type { Logger } from '../domain/log-port.js';
import { isDatabaseUnavailable } from '../payments/outage.js';

export interface WorkerTask {
  name: string;
  /** Runs one round; returns whether it did something (then the next round follows at once). */
  run(): Promise<boolean>;
}

/** Where the worker reports its rounds (the gateway's metrics). */
export interface WorkerRecorder {
  workerRound(seconds: number): void;
  workerTaskFailed(task: string): void;
}

/**
 * Runs tasks in rounds: immediately again while there is work, otherwise after `pollMs`. State lives in
 * database rows, not timers, so stopping or crashing loses nothing; `stop()` waits for the round in progress.
 */
export class Worker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** Work arrived while a round was running: run the next round at once instead of after `pollMs`. */
  private poked = false;
  /** When (performance.now()) the next round is due; null while stopped. */
  private dueAt: number | null = null;

  constructor(
    private readonly tasks: WorkerTask[],
    private readonly pollMs: number,
    private readonly log: Logger,
    private readonly recorder?: WorkerRecorder,
  ) {}

  /**
   * How far past due the next round is, in seconds: 0 while on time. It grows when the event loop is too busy
   * to run the timer, and while a round hangs (the next is due one poll interval after the round started).
   */
  lagSeconds(): number {
    if (this.dueAt === null) return 0;
    return Math.max(0, performance.now() - this.dueAt) / 1000;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** One round of every task, for tests and for `kartoteka worker --once`. */
  async tick(): Promise<boolean> {
    let busy = false;
    const started = performance.now();
    for (const task of this.tasks) {
      try {
        if (await task.run()) busy = true;
      } catch (err) {
        this.recorder?.workerTaskFailed(task.name);
        // The round's rows stay as they were and the next round retries: an outage is a warning, not a fault.
        if (isDatabaseUnavailable(err)) this.log.warn({ err, task: task.name }, 'database unavailable');
        else this.log.error({ err, task: task.name }, 'worker task failed');
      }
    }
    this.recorder?.workerRound((performance.now() - started) / 1000);
    return busy;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.dueAt = performance.now() + delay;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.poked = false;
      this.dueAt = performance.now() + this.pollMs;
      this.running = this.tick().then((busy) => {
        this.running = null;
        this.schedule(busy || this.poked ? 0 : this.pollMs);
      });
    }, delay);
    this.timer.unref?.();
  }

  /** Wakes the worker now (new work was just queued). */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.poked = true;
      return;
    }
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.dueAt = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
