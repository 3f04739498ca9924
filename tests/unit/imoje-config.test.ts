import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import type { ImojeConfig } from '../../src/acquirer/imoje/config.js';

/** Issue 16 item 1: KARTOTEKA_ACQUIRER=imoje and its section; the credentials are secrets from the start. */
const ENV = {
  KARTOTEKA_ACQUIRER: 'imoje',
  KARTOTEKA_IMOJE_API_URL: 'https://sandbox.api.imoje.pl',
  KARTOTEKA_IMOJE_MERCHANT_ID: 'abcdefghij0123456789',
  KARTOTEKA_IMOJE_SERVICE_ID: '63f574ed-d4ad-407e-9981-39ed7584a7b7',
  KARTOTEKA_IMOJE_SERVICE_KEY: 'service-key-in-clear',
  KARTOTEKA_IMOJE_TOKEN: 'token-in-clear',
};

describe('the imoje connector’s configuration section', () => {
  it('reads the upstream API, merchant, shop, credentials and timeouts', () => {
    const config = loadConfig({ ...ENV, KARTOTEKA_IMOJE_REQUEST_TIMEOUT_MS: '20000' });
    const settings = config.connector.settings as ImojeConfig;
    expect(config.connector.name).toBe('imoje');
    expect(settings).toMatchObject({
      apiUrl: 'https://sandbox.api.imoje.pl',
      merchantId: 'abcdefghij0123456789',
      serviceId: '63f574ed-d4ad-407e-9981-39ed7584a7b7',
      preauthServiceId: null,
      requestTimeoutMs: 20_000,
      connectTimeoutMs: 5_000,
    });
    expect(settings.token.reveal()).toBe('token-in-clear');
  });

  it('never shows the token or the serviceKey in clear (logs, JSON, inspection)', () => {
    const config = loadConfig(ENV);
    const shown = JSON.stringify(config) + inspect(config, { depth: 10 });
    expect(shown).not.toContain('token-in-clear');
    expect(shown).not.toContain('service-key-in-clear');
  });

  it('refuses to start without a required setting, naming it', () => {
    for (const name of Object.keys(ENV).filter((k) => k !== 'KARTOTEKA_ACQUIRER')) {
      const env: Record<string, string> = { ...ENV };
      delete env[name];
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(new RegExp(name));
    }
  });

  it('is a real acquirer: production mode starts on it without the sandbox override', () => {
    expect(loadConfig({ ...ENV, KARTOTEKA_MODE: 'production' }).connector.name).toBe('imoje');
  });

  it('needs the pre-authorisation shop’s key with its id (its notifications are signed with it)', () => {
    const id = { KARTOTEKA_IMOJE_PREAUTH_SERVICE_ID: '0c3d2e91-4b7a-4c55-8f0e-6a1b2c3d4e5f' };
    expect(() => loadConfig({ ...ENV, ...id })).toThrow(/KARTOTEKA_IMOJE_PREAUTH_SERVICE_KEY/);
    const both = loadConfig({ ...ENV, ...id, KARTOTEKA_IMOJE_PREAUTH_SERVICE_KEY: 'k' }).connector.settings;
    expect((both as ImojeConfig).preauthServiceId).toBe(id.KARTOTEKA_IMOJE_PREAUTH_SERVICE_ID);
  });

  it('refuses an ill-formed merchant or shop id', () => {
    expect(() => loadConfig({ ...ENV, KARTOTEKA_IMOJE_MERCHANT_ID: 'Short' })).toThrow(/MERCHANT_ID/);
    expect(() => loadConfig({ ...ENV, KARTOTEKA_IMOJE_PREAUTH_SERVICE_ID: 'nope' })).toThrow(
      /PREAUTH_SERVICE_ID/,
    );
  });
});
