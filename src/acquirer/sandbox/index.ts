import type { ConnectorDefinition } from '../connector.js';
import { sandboxConfig, type SandboxConfig } from './config.js';

/** The simulated card network of imoje-api.md §9, with its own ledger on the gateway's database. */
export const sandboxConnector: ConnectorDefinition<SandboxConfig> = {
  ...sandboxConfig,
  async create(deps, config) {
    // Loaded only when chosen (see ConnectorDefinition): config/ reads this folder's section alone.
    const [{ SandboxAcquirer }, { openSandboxLedger }] = await Promise.all([
      import('./connector.js'),
      import('./open-ledger.js'),
    ]);
    return new SandboxAcquirer(openSandboxLedger(deps.database), deps.now, { slowMs: config.slowMs });
  },
};
