import type { Acquirer } from './acquirer.js';
import type { ConnectorConfig, ConnectorDefinition, ConnectorDeps } from './connector.js';
import { imojeConnector } from './imoje/index.js';
import { sandboxConnector } from './sandbox/index.js';

/**
 * Every acquirer connector, one line each: a real acquirer is one folder beside sandbox/ (docs/connectors.md)
 * and one line here. `src/config/` reads the chosen connector's section through this list; the composition
 * root creates it and wraps it in `GuardedAcquirer` (timeouts, classification, logging).
 */
// Each definition is only ever fed what its own `read` made (config/ keeps the pair together).
export const CONNECTORS: ReadonlyArray<ConnectorDefinition<unknown>> = [
  sandboxConnector,
  imojeConnector as ConnectorDefinition<unknown>,
];

export function acquirerNames(): string[] {
  return CONNECTORS.map((c) => c.name);
}

export function connectorNamed(name: string): ConnectorDefinition<unknown> | undefined {
  return CONNECTORS.find((c) => c.name === name);
}

export async function createAcquirer(config: ConnectorConfig, deps: ConnectorDeps): Promise<Acquirer> {
  const connector = connectorNamed(config.name);
  if (!connector) {
    throw new Error(`unknown acquirer "${config.name}"; known: ${acquirerNames().join(', ')}`);
  }
  return connector.create(deps, config.settings);
}
