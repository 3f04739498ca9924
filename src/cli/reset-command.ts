import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';

/** What a sandbox data directory holds; nothing else in the directory is touched. */
const SQLITE_FILES = ['kartoteka.db', 'kartoteka.db-wal', 'kartoteka.db-shm', 'kartoteka.db-journal'];

/**
 * `kartoteka reset`: empties a sandbox data directory, so the next start bootstraps a fresh sandbox merchant
 * (or the fixed one). Refused in production mode whatever the acquirer, and on PostgreSQL: there the database
 * is a server others may share, and dropping it is for its administrator, not for a sandbox command.
 */
export function resetCommand(program: Command): void {
  program
    .command('reset')
    .description(
      'empty a sandbox data directory (SQLite database, master key, sandbox credentials); stop the server first',
    )
    .action(() => {
      const config = loadConfig();
      if (config.mode === 'production') {
        throw new Error('reset refused: KARTOTEKA_MODE=production (reset only ever empties a sandbox)');
      }
      if (config.database.kind !== 'sqlite') {
        throw new Error(
          'reset refused: KARTOTEKA_DATABASE_URL names a PostgreSQL database; reset only empties a SQLite ' +
            'data directory (drop and recreate the PostgreSQL database yourself, or point the sandbox at a new one)',
        );
      }
      const files = SQLITE_FILES.map((f) => resolve(config.dataDir, f));
      files.push(resolve(config.dataDir, 'sandbox-credentials.json'));
      // A key file kept elsewhere was placed there by the operator: it may serve other data too.
      const defaultKey = resolve(config.dataDir, 'master.key');
      if (config.masterKeyFile === defaultKey) files.push(defaultKey);
      const removed = files.filter((f) => existsSync(f));
      for (const f of removed) rmSync(f, { force: true });
      process.stdout.write(
        removed.length === 0
          ? `nothing to reset in ${config.dataDir}\n`
          : `reset ${config.dataDir}: removed ${removed.map((f) => f.slice(config.dataDir.length + 1)).join(', ')}; ` +
              'the next start creates a new sandbox merchant\n',
      );
    });
}
