import type { ImojeConfig } from '../../src/acquirer/imoje/config.js';
import { Secret } from '../../src/domain/secret.js';
import { startGateway, type TestGateway } from './gateway.js';

/**
 * Instance A: a Kartoteka in sandbox mode is a faithful imoje sandbox. Its merchant has a PCI DSS shop for
 * sales and a second one with pre-authorisation on, as a Kartoteka-in-front-of-imoje setup needs.
 */
export interface ImojeUpstream {
  a: TestGateway;
  preauthServiceId: string;
  /** KARTOTEKA_IMOJE_* settings pointing at A (apiUrl may be overridden, e.g. through a proxy). */
  env(apiUrl?: string): Record<string, string>;
  config(apiUrl?: string): ImojeConfig;
  close(): Promise<void>;
}

/** A's own timings: its slow card answers after `slowMs`; its guard waits longer, so A answers in the end. */
export async function startImojeUpstream(
  slowMs = 1000,
  aEnv: Record<string, string> = {},
): Promise<ImojeUpstream> {
  const a = await startGateway({
    env: {
      KARTOTEKA_SANDBOX_SLOW_MS: String(slowMs),
      KARTOTEKA_ACQUIRER_TIMEOUT_MS: String(slowMs * 3),
      KARTOTEKA_ACQUIRER_EXPIRY_MS: String(slowMs * 4),
      ...aEnv,
    },
  });
  const preauth = await a.gateway.accounts.createShop(a.merchant.merchantId, {
    name: 'Pre-authorisation shop',
    pciEnabled: true,
    preauthEnabled: true,
  });
  const env = (apiUrl = a.url): Record<string, string> => ({
    KARTOTEKA_ACQUIRER: 'imoje',
    KARTOTEKA_IMOJE_API_URL: apiUrl,
    KARTOTEKA_IMOJE_MERCHANT_ID: a.merchant.merchantId,
    KARTOTEKA_IMOJE_SERVICE_ID: a.merchant.serviceId,
    KARTOTEKA_IMOJE_PREAUTH_SERVICE_ID: preauth.id,
    KARTOTEKA_IMOJE_PREAUTH_SERVICE_KEY: preauth.serviceKey,
    KARTOTEKA_IMOJE_SERVICE_KEY: a.merchant.serviceKey,
    KARTOTEKA_IMOJE_TOKEN: a.merchant.token,
  });
  return {
    a,
    preauthServiceId: preauth.id,
    env,
    config: (apiUrl = a.url) => ({
      apiUrl,
      merchantId: a.merchant.merchantId,
      serviceId: a.merchant.serviceId,
      preauthServiceId: preauth.id,
      serviceKey: new Secret(a.merchant.serviceKey),
      preauthServiceKey: new Secret(preauth.serviceKey),
      token: new Secret(a.merchant.token),
      requestTimeoutMs: 30_000,
      connectTimeoutMs: 2_000,
    }),
    close: () => a.close(),
  };
}
