import { SandboxLedgerStore } from './sandbox-ledger-store.js';
import type { ConnectorDatabase } from '../connector.js';
import type { SandboxLedger } from './ledger.js';

/**
 * The sandbox connector's ledger on the gateway's database. Its commits are lazy on SQLite with
 * `synchronous=FULL` (see `SandboxLedgerStore`). Tests open it too, to read what the "network" did.
 */
export function openSandboxLedger(database: ConnectorDatabase): SandboxLedger {
  return new SandboxLedgerStore(database.db, database.dialect, database.fullSync);
}
