import type { Acquirer } from './acquirer.js';
import type { SandboxLedger } from './sandbox/ledger.js';
import { SandboxAcquirer, type SandboxOptions } from './sandbox/sandbox-acquirer.js';

export interface AcquirerDeps {
  sandboxLedger: SandboxLedger;
  now: () => Date;
  sandbox: SandboxOptions;
}

/**
 * A real acquirer is one folder beside sandbox/ and one line here. The composition root wraps whatever this
 * returns in `GuardedAcquirer` (timeouts, classification, logging), so a connector does none of that itself.
 */
const ACQUIRERS: Record<string, (deps: AcquirerDeps) => Acquirer> = {
  sandbox: (deps) => new SandboxAcquirer(deps.sandboxLedger, deps.now, deps.sandbox),
};

export function acquirerNames(): string[] {
  return Object.keys(ACQUIRERS);
}

export function createAcquirer(name: string, deps: AcquirerDeps): Acquirer {
  const factory = ACQUIRERS[name];
  if (!factory) throw new Error(`unknown acquirer "${name}"; known: ${acquirerNames().join(', ')}`);
  return factory(deps);
}
