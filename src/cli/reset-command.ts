import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';

/** What a sandbox data directory holds; nothing else in the directory is touched. */
const SQLITE_FILES = ['kartoteka.db', 'kartoteka.db-wal', 'kartoteka.db-shm', 'kartoteka.db-journal'];

/**
 * Whether another process has the SQLite database open: a running gateway or worker keeps its connection for
 * its whole life. Removing the files under it would not stop it: it would go on serving, and writing, a
 * database that no longer has a name, and the next start would find an empty directory. An exclusive lock is
 * refused while any other connection is open (also an idle one, in WAL mode), so asking for one, without
 * waiting, tells.
 */
function openElsewhere(file: string): boolean {
  if (!existsSync(file)) return false;
  const db = new SQLite(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return false;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) return true;
    throw err;
  } finally {
    db.close();
  }
}

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
      const database = resolve(config.dataDir, SQLITE_FILES[0]!);
      if (openElsewhere(database)) {
        throw new Error(
          `reset refused: ${database} is open in another process (a running gateway or worker?); ` +
            'stop it first, then run reset again. Nothing was removed',
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
