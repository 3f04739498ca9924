import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_vault_canary.js';
import * as m0006 from './0006_shop_limits.js';

/** Every migration, in order. Numbered and append-only: the same list runs on SQLite and PostgreSQL. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_vault_canary': m0002,
  '0006_shop_limits': m0006,
};
