import type { ConnectorConfigSection } from '../connector.js';

/** The sandbox connector's section: it has no URLs or credentials, only how its slow test card behaves. */
export interface SandboxConfig {
  /** How long the slow test card thinks before it decides and answers. */
  readonly slowMs: number;
}

export const sandboxConfig: ConnectorConfigSection<SandboxConfig> = {
  name: 'sandbox',
  settings: {
    KARTOTEKA_SANDBOX_SLOW_MS: "the sandbox's slow test card answers after this (default 35000)",
  },
  read: (s) => ({ slowMs: s.int('KARTOTEKA_SANDBOX_SLOW_MS', 35_000, 0, 3_600_000) }),
};
