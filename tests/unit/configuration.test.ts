import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SETTINGS } from '../../src/config/config.js';

describe('configuration', () => {
  it('every setting is documented in docs/configuration.md', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    for (const key of Object.keys(SETTINGS)) expect(doc, key).toContain(`\`${key}\``);
  });

  it('defaults give a sandbox on SQLite in ./.kartoteka', () => {
    const c = loadConfig({});
    expect(c.mode).toBe('sandbox');
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.database).toMatchObject({ kind: 'sqlite', synchronous: 'full' });
    expect(c.dataDir.endsWith('.kartoteka')).toBe(true);
    expect(c.bootstrapSandbox).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('a postgres URL selects PostgreSQL; production mode does not bootstrap', () => {
    const c = loadConfig({ KARTOTEKA_DATABASE_URL: 'postgres://u@h/db', KARTOTEKA_MODE: 'production' });
    expect(c.database.kind).toBe('postgres');
    expect(c.bootstrapSandbox).toBe(false);
  });

  it('an acquirer timeout not shorter than the Idempotency-Key lease is refused', () => {
    expect(() =>
      loadConfig({ KARTOTEKA_IDEMPOTENCY_LEASE_MS: '5000', KARTOTEKA_ACQUIRER_TIMEOUT_MS: '5000' }),
    ).toThrow(/KARTOTEKA_ACQUIRER_TIMEOUT_MS .* must be less than KARTOTEKA_IDEMPOTENCY_LEASE_MS/);
    expect(() =>
      loadConfig({ KARTOTEKA_ACQUIRER_TIMEOUT_MS: '5000', KARTOTEKA_ACQUIRER_EXPIRY_MS: '4000' }),
    ).toThrow(ConfigError);
    const c = loadConfig({});
    expect(c.acquirerTimeoutMs).toBeLessThan(c.idempotencyLeaseMs);
    expect(c.acquirerExpiryMs).toBeGreaterThanOrEqual(c.acquirerTimeoutMs);
  });

  it('bad values are refused with a message naming the variable', () => {
    expect(() => loadConfig({ KARTOTEKA_PORT: '99999' })).toThrow(ConfigError);
    expect(() => loadConfig({ KARTOTEKA_PORT: 'x' })).toThrow(/KARTOTEKA_PORT/);
    expect(() => loadConfig({ KARTOTEKA_MODE: 'prod' })).toThrow(
      /KARTOTEKA_MODE must be one of sandbox, production/,
    );
    expect(() => loadConfig({ KARTOTEKA_DATABASE_URL: 'mysql://x' })).toThrow(/postgres/);
    expect(() => loadConfig({}, { NOT_A_SETTING: '1' })).toThrow(/unknown setting/);
  });
});
