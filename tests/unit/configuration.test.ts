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
    const c = loadConfig({
      KARTOTEKA_DATABASE_URL: 'postgres://u@h/db',
      KARTOTEKA_MODE: 'production',
      KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'on',
    });
    expect(c.database.kind).toBe('postgres');
    expect(c.bootstrapSandbox).toBe(false);
  });

  it('production mode no longer falls silently into the sandbox acquirer (unset or named): it refuses to start', () => {
    expect(() => loadConfig({ KARTOTEKA_MODE: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ KARTOTEKA_MODE: 'production' })).toThrow(
      /KARTOTEKA_MODE=production without KARTOTEKA_ACQUIRER would run on the sandbox acquirer.*KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION=on/,
    );
    expect(() => loadConfig({ KARTOTEKA_MODE: 'production', KARTOTEKA_ACQUIRER: 'sandbox' })).toThrow(
      /with KARTOTEKA_ACQUIRER=sandbox would run on the sandbox acquirer/,
    );
    expect(() =>
      loadConfig({ KARTOTEKA_MODE: 'production', KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'off' }),
    ).toThrow(ConfigError);
  });

  it('production mode runs on the sandbox acquirer only when that is asked for explicitly', () => {
    const c = loadConfig({ KARTOTEKA_MODE: 'production', KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'on' });
    expect(c).toMatchObject({ mode: 'production', acquirer: 'sandbox', allowSandboxInProduction: true });
    // Sandbox mode needs no opt-in.
    expect(loadConfig({}).acquirer).toBe('sandbox');
  });

  it('the dashboard on in production without an https public URL is warned about (its cookie is not Secure)', () => {
    const production = { KARTOTEKA_MODE: 'production', KARTOTEKA_ALLOW_SANDBOX_IN_PRODUCTION: 'on' };
    const warned = (env: Record<string, string>) =>
      loadConfig({ ...production, ...env }).warnings.some((w) => w.includes('without Secure'));
    expect(warned({ KARTOTEKA_DASHBOARD: 'on' })).toBe(true);
    expect(warned({ KARTOTEKA_DASHBOARD: 'on', KARTOTEKA_PUBLIC_URL: 'http://pay.internal' })).toBe(true);
    expect(warned({ KARTOTEKA_DASHBOARD: 'on', KARTOTEKA_PUBLIC_URL: 'https://pay.example.com' })).toBe(
      false,
    );
    expect(warned({})).toBe(false); // the dashboard is off in production unless asked for
    expect(loadConfig({ KARTOTEKA_DASHBOARD: 'on' }).warnings).toEqual([]); // the sandbox on a laptop
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

  it('a short admin token is refused at config validation, without echoing it', () => {
    expect(() => loadConfig({ KARTOTEKA_ADMIN_TOKEN: 'hunter2-hunter2' })).toThrow(
      /KARTOTEKA_ADMIN_TOKEN must be at least 32 characters, got 15/,
    );
    expect(() => loadConfig({ KARTOTEKA_ADMIN_TOKEN: 'hunter2-hunter2' })).not.toThrow(/hunter2/);
    expect(() => loadConfig({ KARTOTEKA_ADMIN_TOKEN: `${'a'.repeat(20)} ${'b'.repeat(20)}` })).toThrow(
      /printable ASCII characters without spaces/,
    );
    const token = 'f'.repeat(64);
    expect(loadConfig({ KARTOTEKA_ADMIN_TOKEN: token }).adminToken).toBe(token);
    expect(loadConfig({}).adminToken).toBeNull();
  });

  it('KARTOTEKA_TRUST_PROXY is off by default and takes true or proxy addresses / CIDR ranges', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ KARTOTEKA_TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(loadConfig({ KARTOTEKA_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(
      loadConfig({ KARTOTEKA_TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,fd00::/8,::1,loopback' }).trustProxy,
    ).toEqual(['10.0.0.0/8', '192.168.1.5', 'fd00::/8', '::1', 'loopback']);
    for (const bad of ['10.0.0.0/33', 'lb.internal', '10.0.0', '2', '1.2.3.4,', 'fd00::/129']) {
      expect(() => loadConfig({ KARTOTEKA_TRUST_PROXY: bad }), bad).toThrow(/KARTOTEKA_TRUST_PROXY must be/);
    }
  });
});
