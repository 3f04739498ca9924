import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/config.js';
import { createGateway } from '../gateway.js';
import { adminCommands } from './admin-commands.js';
import { banner } from './banner.js';
import { keyCommands } from './key-commands.js';
import { notificationCommands } from './notification-commands.js';
import { resetCommand } from './reset-command.js';

const program = new Command();
program.name('kartoteka').description('imoje-compatible gateway for OneClick and recurring card payments');

program
  .command('serve', { isDefault: true })
  .description('start the gateway (sandbox on embedded SQLite unless configured otherwise)')
  .action(async () => {
    const config = loadConfig();
    const gateway = await createGateway(config);
    const url = await gateway.listen();
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
notificationCommands(program);
resetCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`kartoteka: configuration error: ${err.message}\n`);
  } else {
    process.stderr.write(`kartoteka: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(1);
});
