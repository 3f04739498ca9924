import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SandboxCredentials } from '../admin/accounts.js';
import { loadConfig } from '../config/config.js';

/** Which running gateway a client command talks to, and as whom. */
export interface GatewayTarget {
  /** The gateway's base URL, without a trailing slash. */
  url: string;
  merchantId: string;
  token: string;
  /** The shop to pay at (triggers); the sandbox shop unless given. */
  serviceId: string | null;
}

export interface TargetOptions {
  gateway?: string | undefined;
  merchant?: string | undefined;
  token?: string | undefined;
  service?: string | undefined;
}

/**
 * Defaults to the sandbox `npm start` runs with the same settings: its URL from KARTOTEKA_PUBLIC_URL or
 * KARTOTEKA_HOST/KARTOTEKA_PORT, its credentials from KARTOTEKA_SANDBOX_* or the data directory's
 * sandbox-credentials.json (what the banner printed). Flags override each part.
 */
export function gatewayTarget(options: TargetOptions): GatewayTarget {
  const config = loadConfig();
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = (
    options.gateway ??
    config.publicUrl ??
    `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`
  ).replace(/\/+$/, '');
  const file = resolve(config.dataDir, 'sandbox-credentials.json');
  const stored: Partial<SandboxCredentials> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<SandboxCredentials>)
    : {};
  const fixed = config.sandboxFixed;
  const merchantId = options.merchant ?? fixed.merchantId ?? stored.merchantId;
  const token = options.token ?? fixed.token ?? stored.token;
  if (!merchantId || !token) {
    throw new Error(
      `no sandbox credentials in ${config.dataDir} (start the gateway once with \`npm start\`), ` +
        'or pass --merchant <merchantId> and --token <token>',
    );
  }
  const sandboxMerchant = fixed.merchantId ?? stored.merchantId;
  const serviceId =
    options.service ??
    (merchantId === sandboxMerchant ? (fixed.serviceId ?? stored.serviceId) : undefined) ??
    null;
  return { url, merchantId, token, serviceId };
}

/** Commander's options for the target, shared by `listen` and `trigger`. */
export const TARGET_OPTIONS: ReadonlyArray<[string, string]> = [
  ['--gateway <url>', "the running gateway's base URL (default: the sandbox's, from KARTOTEKA_* settings)"],
  ['--merchant <merchantId>', 'the merchant (default: the sandbox merchant)'],
  ['--token <token>', "the merchant's API token (default: the sandbox token)"],
];
