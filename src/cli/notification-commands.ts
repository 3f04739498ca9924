import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { systemClock } from '../domain/clock.js';
import { createWorkerProcess } from '../gateway.js';
import {
  listNotifications,
  NOTIFICATION_STATUSES,
  resendNotification,
  showNotification,
} from '../admin/notifications.js';
import type { NotificationStatus } from '../storage/notification-repo.js';
import { openStorage } from '../storage/open.js';
import type { Storage } from '../storage/storage.js';
import { formatRecord, formatTable } from './table.js';

async function withStorage<T>(work: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = await openStorage(loadConfig().database);
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

const json = (value: unknown): void => {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
};

function status(value: string): NotificationStatus {
  if (!(NOTIFICATION_STATUSES as readonly string[]).includes(value)) {
    throw new Error(`--status must be one of ${NOTIFICATION_STATUSES.join(', ')}, got ${value}`);
  }
  return value as NotificationStatus;
}

function limit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new Error(`--limit must be 1…10000, got ${value}`);
  return n;
}

/** `kartoteka worker` and `kartoteka notifications list|show|resend`. */
export function notificationCommands(program: Command): void {
  program
    .command('worker')
    .description('run notification delivery and the chores without the HTTP server')
    .option('--once', 'run one round and exit')
    .action(async (opts: { once?: boolean }) => {
      const proc = await createWorkerProcess(loadConfig());
      if (opts.once) {
        try {
          await proc.worker.tick();
        } finally {
          await proc.close();
        }
        return;
      }
      // The worker's timers do not hold the process open (they must not in the server); this does.
      const keepAlive = setInterval(() => undefined, 1 << 30);
      const shutdown = (signal: string) => {
        proc.log.info({ signal }, 'worker stopping after the round in progress');
        clearInterval(keepAlive);
        proc
          .close()
          .then(() => process.exit(0))
          .catch(() => process.exit(1));
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
      proc.worker.start();
      proc.log.info({}, 'worker started');
    });

  const notifications = program.command('notifications').description('see and resend notifications');
  notifications
    .command('list')
    .option('--status <status>', 'pending, delivered or failed', status)
    .option('--merchant <merchantId>', 'only this merchant')
    .option('--transaction <transactionId>', 'only this transaction')
    .option('--limit <n>', 'at most this many, newest first', limit, 100)
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        status?: NotificationStatus;
        merchant?: string;
        transaction?: string;
        limit: number;
        json?: boolean;
      }) =>
        withStorage(async (storage) => {
          const rows = await listNotifications(storage, {
            status: opts.status,
            merchantId: opts.merchant,
            transactionId: opts.transaction,
            limit: opts.limit,
          });
          if (opts.json) return json(rows);
          process.stdout.write(
            formatTable(
              rows.map((n) => ({
                id: n.id,
                transaction: n.transactionId,
                status: n.status,
                attempts: n.attempts,
                nextAttemptAt: n.nextAttemptAt,
                lastError: n.lastError ?? '',
              })),
              'no notifications',
            ),
          );
        }),
    );
  notifications
    .command('show')
    .argument('<id>', 'notification id')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) =>
      withStorage(async (storage) => {
        const shown = await showNotification(storage, id);
        if (opts.json) return json(shown);
        const { body, ...fields } = shown.notification;
        process.stdout.write(formatRecord(fields) + `body: ${body}\n\nattempts:\n`);
        if (shown.attempts.length === 0) process.stdout.write('  none yet\n');
        for (const a of shown.attempts) {
          const answer = a.httpStatus === null ? 'no answer' : `HTTP ${a.httpStatus}`;
          process.stdout.write(`  ${a.attemptedAt}  ${answer}  ${a.durationMs} ms  ${a.error ?? 'ok'}\n`);
        }
      }),
    );
  notifications
    .command('resend')
    .argument('<id>', 'notification id')
    .description('send again now, with a fresh retry schedule (a running worker picks it up)')
    .action(async (id: string) =>
      withStorage(async (storage) => {
        const n = await resendNotification(storage, systemClock, id);
        process.stdout.write(`queued ${n.id} (transaction ${n.transactionId}) for delivery now\n`);
      }),
    );
}
