import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.js';

const PLAINTEXT = 'kartoteka-vault-canary';

export class MasterKeyMismatchError extends Error {
  constructor(keyFile: string) {
    super(
      `the master key in ${keyFile} does not open this database's vault: every instance must use the same ` +
        'master key file (copy it from the first instance); refusing to start rather than fail every payment',
    );
    this.name = 'MasterKeyMismatchError';
  }
}

export interface CanaryStore {
  getCanary(): Promise<string | undefined>;
  insertCanary(sealed: string, now: number): Promise<void>;
  replaceCanary(sealed: string): Promise<void>;
}

/** The master key version a sealed canary was made with. */
export function canaryVersion(sealed: string): number {
  return Number(sealed.split(':')[0]);
}

function seal(keyring: Keyring): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyring.key(keyring.current), iv);
  const body = Buffer.concat([cipher.update(PLAINTEXT), cipher.final()]);
  return `${keyring.current}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

function opens(keyring: Keyring, sealed: string): boolean {
  const [version, data] = sealed.split(':');
  try {
    const raw = Buffer.from(data ?? '', 'base64');
    const decipher = createDecipheriv('aes-256-gcm', keyring.key(Number(version)), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString() === PLAINTEXT;
  } catch {
    return false;
  }
}

/**
 * Instances sharing a database must share the master key. The first start seals a known value; every later
 * start (of any instance) must open it, or it refuses to run.
 */
export async function checkMasterKey(
  keyring: Keyring,
  store: CanaryStore,
  keyFile: string,
  now: number,
): Promise<void> {
  let sealed = await store.getCanary();
  if (sealed === undefined) {
    await store.insertCanary(seal(keyring), now);
    sealed = await store.getCanary();
  }
  if (!sealed || !opens(keyring, sealed)) throw new MasterKeyMismatchError(keyFile);
}

/**
 * Re-seals the canary under the current master key after a rotation, so that the version it was sealed with
 * can be retired. Only a canary this keyring opens is replaced (a mismatched key file must stay detectable).
 */
export async function resealCanary(keyring: Keyring, store: CanaryStore, keyFile: string): Promise<void> {
  const sealed = await store.getCanary();
  if (sealed === undefined) return;
  if (!opens(keyring, sealed)) throw new MasterKeyMismatchError(keyFile);
  if (canaryVersion(sealed) !== keyring.current) await store.replaceCanary(seal(keyring));
}
