import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/config.js';
import { createGateway } from '../gateway.js';
import { adminCommands } from './admin-commands.js';
import { banner } from './banner.js';
import { clockCommands } from './clock-commands.js';
import { keyCommands } from './key-commands.js';
import { listenCommand } from './listen-command.js';
import { notificationCommands } from './notification-commands.js';
import { resetCommand } from './reset-command.js';
import { triggerCommand } from './trigger-command.js';

const program = new Command();
program.name('kartoteka').description('imoje-compatible gateway for OneClick and recurring card payments');

program
  .command('serve', { isDefault: true })
  .description('start the gateway (sandbox on embedded SQLite unless configured otherwise)')
  .action(async () => {
    const config = loadConfig();
    const gateway = await createGateway(config);
    let url: string;
    try {
      url = await gateway.listen();
    } catch (err) {
      await gateway.close().catch(() => undefined);
      throw (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? portInUse(config.host, config.port) : err;
    }
    const db = config.database.kind === 'sqlite' ? config.database.path : 'PostgreSQL';
    process.stdout.write(banner(url, config.mode, db, gateway.sandbox) + '\n');
    let closing = false;
    const shutdown = (signal: string) => {
      if (closing) return;
      closing = true;
      gateway.log.info({ signal }, 'shutting down: finishing in-flight requests');
      gateway
        .close()
        .then(() => process.exit(0))
        .catch((err: unknown) => {
          gateway.log.error({ err }, 'shutdown failed');
          process.exit(1);
        });
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });

adminCommands(program);
keyCommands(program);
clockCommands(program);
notificationCommands(program);
resetCommand(program);
listenCommand(program);
triggerCommand(program);

/** Said plainly, without the stack: the usual cause is a second `npm start`. */
function portInUse(host: string, port: number): Error {
  return new Error(
    `${host}:${port} is already in use by another process. Stop that process (another kartoteka?), ` +
      `or start on another port: KARTOTEKA_PORT=${port === 8080 ? 8081 : port + 1} npm start`,
  );
}

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`kartoteka: configuration error: ${err.message}\n`);
  } else {
    process.stderr.write(`kartoteka: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(1);
});
