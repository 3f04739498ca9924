import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The master key file as stored: every version still in use, the current one, and the fingerprint key. */
export interface KeyFile {
  format: 1;
  current: number;
  keys: Record<string, string>;
  fingerprintKey: string;
}

export function newKeyFile(): KeyFile {
  return {
    format: 1,
    current: 1,
    keys: { '1': randomBytes(32).toString('base64') },
    fingerprintKey: randomBytes(32).toString('base64'),
  };
}

export function readKeyFile(path: string): KeyFile {
  return JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
}

function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes a complete, fsynced temp file beside `path` (mode 0600) and returns its name. */
function writeTemp(path: string, data: KeyFile): string {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(data, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/**
 * Replaces the key file atomically and durably: a reader (another instance) sees the old file or the new one,
 * never a torn one, and after a crash or power loss the file is one of the two. The directory is fsynced so
 * that the rename itself is on disk before anything is re-wrapped under a key only the new file holds.
 */
export function replaceKeyFile(path: string, data: KeyFile): void {
  const temp = writeTemp(path, data);
  try {
    renameSync(temp, path);
  } catch (err) {
    unlinkSync(temp);
    throw err;
  }
  fsyncDirectory(dirname(path));
}

/**
 * Creates the key file only if there is none (two instances starting at once on a shared file must not
 * overwrite each other's key): link() fails if the name exists. Returns false when another process won.
 */
export function createKeyFile(path: string, data: KeyFile): boolean {
  const temp = writeTemp(path, data);
  try {
    linkSync(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(temp);
    fsyncDirectory(dirname(path));
  }
  return true;
}

/** Adds a new master key version and makes it current; every older version stays. Returns the new version. */
export function addKeyVersion(path: string): number {
  const data = readKeyFile(path);
  const next = Math.max(...Object.keys(data.keys).map(Number)) + 1;
  data.keys[String(next)] = randomBytes(32).toString('base64');
  data.current = next;
  replaceKeyFile(path, data);
  return next;
}

/** Removes the given versions (never the current one); returns the versions actually removed. */
export function dropKeyVersions(path: string, versions: readonly number[]): number[] {
  const data = readKeyFile(path);
  const dropped = versions.filter((v) => v !== data.current && data.keys[String(v)] !== undefined);
  if (dropped.length === 0) return [];
  for (const v of dropped) delete data.keys[String(v)];
  replaceKeyFile(path, data);
  return dropped;
}
