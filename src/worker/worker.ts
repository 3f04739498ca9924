import type { Logger } from '../domain/log-port.js';
import { isDatabaseUnavailable } from '../payments/outage.js';

export interface WorkerTask {
  name: string;
  /** Runs one round; returns whether it did something (then the next round follows at once). */
  run(): Promise<boolean>;
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

  constructor(
    private readonly tasks: WorkerTask[],
    private readonly pollMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** One round of every task, for tests and for `kartoteka worker --once`. */
  async tick(): Promise<boolean> {
    let busy = false;
    for (const task of this.tasks) {
      try {
        if (await task.run()) busy = true;
      } catch (err) {
        // The round's rows stay as they were and the next round retries: an outage is a warning, not a fault.
        if (isDatabaseUnavailable(err)) this.log.warn({ err, task: task.name }, 'database unavailable');
        else this.log.error({ err, task: task.name }, 'worker task failed');
      }
    }
    return busy;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.poked = false;
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
