import type { PaymentsDeps } from '../payments/deps.js';
import { scheduleCycles, scheduleNotices, type ScheduleRunnerOptions } from '../payments/schedule-runner.js';
import type { WorkerTask } from './worker.js';

/**
 * The worker's share of schedules, at wall-clock time, across every shop: notices first (a cycle's notice
 * before its charge), then the cycles and retries due. Each round claims a batch; a busy round is followed at
 * once by the next.
 */
export function scheduleTask(payments: PaymentsDeps, options: ScheduleRunnerOptions = {}): WorkerTask {
  const notices = scheduleNotices(payments, options);
  const cycles = scheduleCycles(payments, options);
  return {
    name: 'schedules',
    async run(): Promise<boolean> {
      const noticed = await notices.runRound(payments.clock.now());
      const charged = await cycles.runRound(payments.clock.now());
      return noticed + charged > 0;
    },
  };
}
