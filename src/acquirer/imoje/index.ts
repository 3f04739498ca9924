import type { ConnectorDefinition } from '../connector.js';
import { imojeConfig, type ImojeConfig } from './config.js';

/** Kartoteka in front of imoje as the processor (docs/connectors.md, "Kartoteka in front of imoje"). */
export const imojeConnector: ConnectorDefinition<ImojeConfig> = {
  ...imojeConfig,
  async create(deps, config) {
    // Loaded only when chosen (see ConnectorDefinition).
    const [{ ImojeAcquirer }, { AttemptBook }, { UpstreamClient }] = await Promise.all([
      import('./connector.js'),
      import('./attempts.js'),
      import('./upstream-client.js'),
    ]);
    const client = new UpstreamClient(config);
    return new ImojeAcquirer(
      config,
      client,
      new AttemptBook(deps.database.db),
      deps.now,
      deps.log,
      deps.publicUrl,
    );
  },
};
