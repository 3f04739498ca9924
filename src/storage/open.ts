import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { connect, type PostgresOptions, type SqliteOptions } from './connect.js';
import { migrateToLatest } from './migrate.js';
import { Storage } from './storage.js';

/** Connects and brings the schema up to date (refusing a schema newer than this code). */
export async function openStorage(
  options: SqliteOptions | PostgresOptions,
  migrate = true,
): Promise<Storage> {
  if (options.kind === 'sqlite') mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
  const storage = new Storage(connect(options));
  try {
    if (migrate) await migrateToLatest(storage.db);
  } catch (err) {
    await storage.close();
    throw err;
  }
  return storage;
}
