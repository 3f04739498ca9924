import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Versioned master keys. New data keys are always wrapped with `current`; older versions stay so that records
 * written before a rotation can still be opened. The fingerprint key is separate and never rotates, so the
 * same card keeps the same fingerprint across master-key rotations.
 */
export interface Keyring {
  readonly current: number;
  key(version: number): Buffer;
  readonly fingerprintKey: Buffer;
}

interface KeyFile {
  format: 1;
  current: number;
  keys: Record<string, string>;
  fingerprintKey: string;
}

export function keyringFromFile(data: KeyFile): Keyring {
  const keys = new Map<number, Buffer>();
  for (const [version, b64] of Object.entries(data.keys)) {
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new Error(`master key version ${version} is not 32 bytes`);
    keys.set(Number(version), key);
  }
  const fingerprintKey = Buffer.from(data.fingerprintKey, 'base64');
  if (fingerprintKey.length !== 32) throw new Error('fingerprint key is not 32 bytes');
  if (!keys.has(data.current)) throw new Error(`current master key version ${data.current} is missing`);
  return {
    current: data.current,
    fingerprintKey,
    key(version: number): Buffer {
      const key = keys.get(version);
      if (!key) throw new Error(`master key version ${version} is not in the keyring`);
      return key;
    },
  };
}

export function newKeyFile(): KeyFile {
  return {
    format: 1,
    current: 1,
    keys: { '1': randomBytes(32).toString('base64') },
    fingerprintKey: randomBytes(32).toString('base64'),
  };
}

/** Loads the key file, creating it (mode 0600) on first start. */
export function loadOrCreateKeyring(path: string): { keyring: Keyring; created: boolean } {
  if (!existsSync(path)) {
    writeFileSync(path, JSON.stringify(newKeyFile(), null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    return { keyring: keyringFromFile(JSON.parse(readFileSync(path, 'utf8')) as KeyFile), created: true };
  }
  return { keyring: keyringFromFile(JSON.parse(readFileSync(path, 'utf8')) as KeyFile), created: false };
}

/** Adds a new master key version and makes it current; existing records keep opening with their version. */
export function rotateKeyFile(path: string): number {
  const data = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  const next = Math.max(...Object.keys(data.keys).map(Number)) + 1;
  data.keys[String(next)] = randomBytes(32).toString('base64');
  data.current = next;
  writeFileSync(path, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
  return next;
}
