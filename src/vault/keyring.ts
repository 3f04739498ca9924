import { existsSync, statSync } from 'node:fs';
import { createKeyFile, newKeyFile, readKeyFile, type KeyFile } from './key-file.js';

export { newKeyFile, type KeyFile } from './key-file.js';

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

function parse(data: KeyFile): { current: number; keys: Map<number, Buffer>; fingerprintKey: Buffer } {
  const keys = new Map<number, Buffer>();
  for (const [version, b64] of Object.entries(data.keys)) {
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new Error(`master key version ${version} is not 32 bytes`);
    keys.set(Number(version), key);
  }
  const fingerprintKey = Buffer.from(data.fingerprintKey, 'base64');
  if (fingerprintKey.length !== 32) throw new Error('fingerprint key is not 32 bytes');
  if (!keys.has(data.current)) throw new Error(`current master key version ${data.current} is missing`);
  return { current: data.current, keys, fingerprintKey };
}

function missing(version: number): Error {
  return new Error(`master key version ${version} is not in the keyring`);
}

/** A keyring fixed at what `data` holds (tests, tools). */
export function keyringFromFile(data: KeyFile): Keyring {
  const { current, keys, fingerprintKey } = parse(data);
  return {
    current,
    fingerprintKey,
    key(version: number): Buffer {
      const key = keys.get(version);
      if (!key) throw missing(version);
      return key;
    },
  };
}

/**
 * The keyring of a running instance, following its key file: `kartoteka keys rotate` replaces the file
 * (atomically) while instances serve, so
 * - a record under a version this instance has not seen makes it re-read the file before giving up, and
 * - a changed file (another inode, mtime or size) is noticed when a new record is sealed, so new cards get the
 *   newest version at once rather than after a restart.
 * Versions once read stay in memory: a rotation only ever adds keys that running instances need.
 */
export class FileKeyring implements Keyring {
  private readonly keys = new Map<number, Buffer>();
  private currentVersion = 0;
  private stamp = '';
  readonly fingerprintKey: Buffer;

  constructor(readonly path: string) {
    const stamp = this.stat();
    const data = parse(readKeyFile(path));
    this.fingerprintKey = data.fingerprintKey;
    this.adopt(data, stamp);
  }

  get current(): number {
    if (this.stat() !== this.stamp) this.reload();
    return this.currentVersion;
  }

  key(version: number): Buffer {
    let key = this.keys.get(version);
    if (!key) {
      this.reload();
      key = this.keys.get(version);
    }
    if (!key) throw missing(version);
    return key;
  }

  private stat(): string {
    try {
      const s = statSync(this.path);
      return `${s.ino}:${s.mtimeMs}:${s.size}`;
    } catch {
      return 'unreadable';
    }
  }

  private adopt(data: ReturnType<typeof parse>, stamp: string): void {
    for (const [version, key] of data.keys) this.keys.set(version, key);
    this.currentVersion = data.current;
    this.stamp = stamp;
  }

  /** A file that can't be read or parsed, or belongs to another vault, leaves the keyring as it was. */
  private reload(): void {
    const stamp = this.stat();
    let data: ReturnType<typeof parse>;
    try {
      data = parse(readKeyFile(this.path));
    } catch {
      this.stamp = stamp;
      return;
    }
    if (!data.fingerprintKey.equals(this.fingerprintKey)) {
      this.stamp = stamp;
      return;
    }
    this.adopt(data, stamp);
  }
}

export class MasterKeyMissingError extends Error {
  constructor(keyFile: string) {
    super(
      `the master key file ${keyFile} is missing, but this database holds data sealed with a master key: ` +
        'restore the key file (every instance must use the same one); refusing to start, and no new key was written',
    );
    this.name = 'MasterKeyMissingError';
  }
}

/** Whether the database already holds anything sealed with a master key (then a new key must not be made). */
export interface SealedDataProbe {
  holdsSealedData(): Promise<boolean>;
}

/**
 * Opens the key file; creates it (mode 0600, atomically) only for a database that holds nothing sealed yet.
 * A missing key beside sealed data is an operator error to report, not a reason to write a key that can
 * open none of it.
 */
export async function openKeyring(
  path: string,
  probe: SealedDataProbe,
): Promise<{ keyring: FileKeyring; created: boolean }> {
  if (existsSync(path)) return { keyring: new FileKeyring(path), created: false };
  if (await probe.holdsSealedData()) throw new MasterKeyMissingError(path);
  const created = createKeyFile(path, newKeyFile());
  return { keyring: new FileKeyring(path), created };
}
