import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addKeyVersion, dropKeyVersions, newKeyFile, readKeyFile } from '../../src/vault/key-file.js';
import { FileKeyring, MasterKeyMissingError, openKeyring } from '../../src/vault/keyring.js';
import { ServiceKeyBox } from '../../src/vault/service-key-box.js';
import { Vault } from '../../src/vault/vault.js';

const card = {
  id: 'c1',
  merchantId: 'm1',
  number: '4111111111111111',
  month: '12',
  year: '2030',
  firstName: 'A',
  lastName: 'B',
  createdAt: 1,
};

describe('the master key file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const keyPath = () => {
    const dir = mkdtempSync(join(tmpdir(), 'kartoteka-keyring-'));
    dirs.push(dir);
    return join(dir, 'master.key');
  };
  const fresh = async () => {
    const path = keyPath();
    await openKeyring(path, { holdsSealedData: async () => false });
    return path;
  };

  it('a running keyring opens a record sealed under a version another process added (was CODE_99 until restart)', async () => {
    const path = await fresh();
    const running = new FileKeyring(path);
    expect(running.current).toBe(1);
    addKeyVersion(path);
    const rotator = new FileKeyring(path);
    const sealed = new Vault(rotator, { getCard: async () => undefined }).seal(card);
    expect(sealed.keyVersion).toBe(2);
    const opened = new Vault(running, { getCard: async () => undefined }).open(sealed);
    expect(opened.pan.reveal()).toBe(card.number);
  });

  it('a running keyring seals new cards under the newest version as soon as the file changes', async () => {
    const path = await fresh();
    const running = new FileKeyring(path);
    const vault = new Vault(running, { getCard: async () => undefined });
    expect(vault.seal(card).keyVersion).toBe(1);
    addKeyVersion(path);
    expect(vault.seal(card).keyVersion).toBe(2);
  });

  it('rotation replaces the key file by rename (a new inode, no torn file, no temp left), mode 0600, old versions kept', async () => {
    const path = await fresh();
    const before = statSync(path).ino;
    const first = readKeyFile(path).keys['1'];
    expect(addKeyVersion(path)).toBe(2);
    expect(statSync(path).ino).not.toBe(before);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readKeyFile(path).keys['1']).toBe(first);
    expect(readdirSync(join(path, '..'))).toEqual(['master.key']);
  });

  it('a retired version stays in a running keyring’s memory; the current one is never dropped', async () => {
    const path = await fresh();
    const running = new FileKeyring(path);
    const v1 = running.key(1);
    addKeyVersion(path);
    expect(dropKeyVersions(path, [1, 2])).toEqual([1]);
    expect(Object.keys(readKeyFile(path).keys)).toEqual(['2']);
    expect(running.current).toBe(2);
    expect(running.key(1).equals(v1)).toBe(true);
  });

  it('a key file of another vault (other fingerprint key) is not adopted by a running keyring', async () => {
    const path = await fresh();
    const running = new FileKeyring(path);
    const other = newKeyFile();
    other.current = 7;
    other.keys = { '7': other.keys['1']! };
    writeFileSync(path, JSON.stringify(other));
    expect(running.current).toBe(1);
    expect(() => running.key(7)).toThrow('master key version 7 is not in the keyring');
  });

  it('a missing key file beside sealed data is refused, and no key is written', async () => {
    const path = keyPath();
    await expect(openKeyring(path, { holdsSealedData: async () => true })).rejects.toThrow(
      MasterKeyMissingError,
    );
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });

  it('a sealed serviceKey opens only for its shop', async () => {
    const box = new ServiceKeyBox(new FileKeyring(await fresh()));
    const sealed = box.seal('shop-a', 'secret-key');
    expect(sealed.sealed).not.toContain('secret-key');
    expect(box.open('shop-a', sealed)).toBe('secret-key');
    expect(() => box.open('shop-b', sealed)).toThrow();
  });
});
