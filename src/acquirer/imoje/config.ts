import type { Secret } from '../../domain/secret.js';
import type { ConnectorConfigSection } from '../connector.js';

/** Kartoteka in front of imoje: the upstream API, the upstream shop it charges through, and its credentials. */
export interface ImojeConfig {
  /** The upstream API base up to `/v1/merchant` exclusive, e.g. `https://sandbox.api.imoje.pl`. */
  readonly apiUrl: string;
  readonly merchantId: string;
  /** The upstream shop for sales (pre-authorisation off there). */
  readonly serviceId: string;
  /** The upstream shop for pre-authorisations (pre-authorisation on there); null: none configured. */
  readonly preauthServiceId: string | null;
  /** Verifies upstream's notifications (`X-Imoje-Signature`) for the sales shop. */
  readonly serviceKey: Secret<string>;
  /** The same for the pre-authorisation shop. */
  readonly preauthServiceKey: Secret<string> | null;
  readonly token: Secret<string>;
  /** How long one upstream HTTP request may take before it is abandoned (its outcome is then unknown). */
  readonly requestTimeoutMs: number;
  /** How long connecting to upstream may take: a refused or unreachable upstream is known not to have acted. */
  readonly connectTimeoutMs: number;
}

const ID = /^[a-z0-9]{20}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const imojeConfig: ConnectorConfigSection<ImojeConfig> = {
  name: 'imoje',
  settings: {
    KARTOTEKA_IMOJE_API_URL:
      "imoje's API base, without /v1/merchant (e.g. https://sandbox.api.imoje.pl); required with KARTOTEKA_ACQUIRER=imoje",
    KARTOTEKA_IMOJE_MERCHANT_ID: 'the upstream imoje merchant id (20 letters/digits); required',
    KARTOTEKA_IMOJE_SERVICE_ID: 'the upstream imoje shop (serviceId) sales go through, PCI DSS on; required',
    KARTOTEKA_IMOJE_PREAUTH_SERVICE_ID:
      'the upstream imoje shop with pre-authorisation on, for pre-authorisations (default none: refused)',
    KARTOTEKA_IMOJE_SERVICE_KEY:
      "the upstream shop's serviceKey, to verify upstream notifications; required (a secret)",
    KARTOTEKA_IMOJE_PREAUTH_SERVICE_KEY:
      "the pre-authorisation shop's serviceKey, to verify its notifications; required with its id (a secret)",
    KARTOTEKA_IMOJE_TOKEN: 'the upstream bearer token of that merchant; required (a secret)',
    KARTOTEKA_IMOJE_REQUEST_TIMEOUT_MS:
      'one upstream HTTP request is abandoned after this (outcome unknown, never re-sent) (default 30000)',
    KARTOTEKA_IMOJE_CONNECT_TIMEOUT_MS: 'connecting to upstream may take this long (default 5000)',
  },
  read(s) {
    const required = <T>(name: string, value: T | null): T => value ?? s.fail(name, 'is required');
    const apiUrl = required('KARTOTEKA_IMOJE_API_URL', s.url('KARTOTEKA_IMOJE_API_URL', null));
    const merchantId = required('KARTOTEKA_IMOJE_MERCHANT_ID', s.text('KARTOTEKA_IMOJE_MERCHANT_ID', null));
    if (!ID.test(merchantId)) s.fail('KARTOTEKA_IMOJE_MERCHANT_ID', 'must be 20 lowercase letters or digits');
    const uuid = (name: string, value: string | null): string | null => {
      if (value !== null && !UUID.test(value)) s.fail(name, 'must be a lowercase UUID v4');
      return value;
    };
    const serviceId = required(
      'KARTOTEKA_IMOJE_SERVICE_ID',
      uuid('KARTOTEKA_IMOJE_SERVICE_ID', s.text('KARTOTEKA_IMOJE_SERVICE_ID', null)),
    );
    const preauthServiceId = uuid(
      'KARTOTEKA_IMOJE_PREAUTH_SERVICE_ID',
      s.text('KARTOTEKA_IMOJE_PREAUTH_SERVICE_ID', null),
    );
    const preauthServiceKey = s.secret('KARTOTEKA_IMOJE_PREAUTH_SERVICE_KEY');
    if (preauthServiceId && !preauthServiceKey) {
      s.fail('KARTOTEKA_IMOJE_PREAUTH_SERVICE_KEY', 'is required with KARTOTEKA_IMOJE_PREAUTH_SERVICE_ID');
    }
    return {
      apiUrl,
      merchantId,
      serviceId,
      preauthServiceId,
      serviceKey: required('KARTOTEKA_IMOJE_SERVICE_KEY', s.secret('KARTOTEKA_IMOJE_SERVICE_KEY')),
      preauthServiceKey,
      token: required('KARTOTEKA_IMOJE_TOKEN', s.secret('KARTOTEKA_IMOJE_TOKEN')),
      requestTimeoutMs: s.int('KARTOTEKA_IMOJE_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
      connectTimeoutMs: s.int('KARTOTEKA_IMOJE_CONNECT_TIMEOUT_MS', 5_000, 50, 60_000),
    };
  },
};
