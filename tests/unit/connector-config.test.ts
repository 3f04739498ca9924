import { describe, expect, it } from 'vitest';
import { acquirerNames, CONNECTORS } from '../../src/acquirer/registry.js';
import { ConfigError, loadConfig, SETTINGS } from '../../src/config/config.js';

/** Issue 13 item 2: each connector's own section of the configuration, read through its own schema. */
describe("the chosen connector's configuration section", () => {
  it('is read and validated through the connector’s own schema (the sandbox: its slow card)', () => {
    expect(loadConfig({}).connector).toEqual({ name: 'sandbox', settings: { slowMs: 35_000 } });
    expect(loadConfig({ KARTOTEKA_SANDBOX_SLOW_MS: '1500' }).connector.settings).toEqual({ slowMs: 1500 });
    expect(() => loadConfig({ KARTOTEKA_SANDBOX_SLOW_MS: 'soon' })).toThrow(
      new ConfigError('KARTOTEKA_SANDBOX_SLOW_MS must be a whole number from 0 to 3600000, got "soon"'),
    );
  });

  it('lists every connector’s settings among the gateway’s (config file keys, docs)', () => {
    for (const connector of CONNECTORS) {
      for (const key of Object.keys(connector.settings)) {
        expect(key).toMatch(new RegExp(`^KARTOTEKA_${connector.name.toUpperCase()}_`));
        expect(SETTINGS).toHaveProperty(key);
      }
    }
  });

  it('refuses an acquirer no connector is registered for, at configuration time', () => {
    expect(acquirerNames()).toEqual(['sandbox', 'imoje']);
    expect(() => loadConfig({ KARTOTEKA_ACQUIRER: 'acme' })).toThrow(
      /KARTOTEKA_ACQUIRER must be one of sandbox, imoje, got "acme"/,
    );
  });
});
