import { checkMasterKey, canaryVersion, resealCanary } from '../vault/canary.js';
import { addKeyVersion, dropKeyVersions, readKeyFile } from '../vault/key-file.js';
import type { FileKeyring } from '../vault/keyring.js';
import { openKeyring } from '../vault/keyring.js';
import { ServiceKeyBox } from '../vault/service-key-box.js';
import { Vault } from '../vault/vault.js';
import type { Storage } from '../storage/storage.js';

const BATCH = 500;

/**
 * Seals every serviceKey still in clear or under a version below `belowVersion` with the current master key.
 * Instances starting together may race on a row: each replacement is a compare-and-set, so one wins and the
 * other's row is no longer listed.
 */
export async function sealServiceKeys(
  storage: Storage,
  box: ServiceKeyBox,
  belowVersion: number,
): Promise<number> {
  const repo = storage.repos.merchants;
  let sealed = 0;
  for (;;) {
    const batch = await repo.listServiceKeysToSeal(belowVersion, BATCH);
    if (batch.length === 0) return sealed;
    for (const row of batch) {
      const clear =
        row.version === null
          ? row.serviceKey
          : box.open(row.shopId, { sealed: row.serviceKey, version: row.version });
      const next = box.seal(row.shopId, clear);
      // A keyring behind `belowVersion` would list the same rows forever.
      if (next.version < belowVersion) throw new Error(`master key version ${belowVersion} is not current`);
      if (await repo.replaceServiceKey(row, { serviceKey: next.sealed, version: next.version })) sealed++;
    }
  }
}

/**
 * Opens the master key for a process that uses this database (the gateway, the worker, the admin CLI): the
 * key file (created only for a database holding nothing sealed), checked against the database's canary, then
 * handed to storage for shops' serviceKeys, and any serviceKey still in clear is sealed.
 */
export async function openMasterKey(
  storage: Storage,
  keyFile: string,
  now: number,
): Promise<{ keyring: FileKeyring; box: ServiceKeyBox }> {
  const { keyring } = await openKeyring(keyFile, storage.repos.cards);
  await checkMasterKey(keyring, storage.repos.cards, keyFile, now);
  const box = new ServiceKeyBox(keyring);
  storage.sealServiceKeysWith(box);
  await sealServiceKeys(storage, box, 0);
  return { keyring, box };
}

export interface RotationResult {
  version: number;
  cards: number;
  serviceKeys: number;
  dropped: number[];
}

/**
 * `kartoteka keys rotate`. The new version is durably in the key file before anything is sealed under it, so
 * a crash at any point leaves every record openable. Running instances pick the new file up by themselves
 * (see FileKeyring). Old versions stay in the file (a database backup from before the rotation needs them)
 * unless `retireUnused` is set; then a version is dropped only when the database shows nothing sealed under
 * it, and never the version that was current until now: an instance may still be committing a card it sealed
 * with it a moment before it noticed the new file; the next rotation re-wraps such a straggler.
 */
export async function rotateMasterKey(
  storage: Storage,
  keyFile: string,
  now: number,
  options: { retireUnused?: boolean } = {},
): Promise<RotationResult> {
  const { keyring, box } = await openMasterKey(storage, keyFile, now);
  const version = addKeyVersion(keyFile);
  if (keyring.current !== version) throw new Error(`the key file ${keyFile} changed during the rotation`);

  const vault = new Vault(keyring, storage.repos.cards);
  let cards = 0;
  for (;;) {
    const batch = await storage.repos.cards.listCardsForRewrap(version, BATCH);
    if (batch.length === 0) break;
    for (const card of batch) await storage.repos.cards.updateWrappedKey(vault.rewrap(card));
    cards += batch.length;
  }
  const serviceKeys = await sealServiceKeys(storage, box, version);
  await resealCanary(keyring, storage.repos.cards, keyFile);
  if (!options.retireUnused) return { version, cards, serviceKeys, dropped: [] };

  const used = new Set([
    ...(await storage.repos.cards.cardKeyVersions()),
    ...(await storage.repos.merchants.serviceKeyVersions()),
  ]);
  const canary = await storage.repos.cards.getCanary();
  if (canary !== undefined) used.add(canaryVersion(canary));
  const retired = Object.keys(readKeyFile(keyFile).keys)
    .map(Number)
    .filter((v) => v < version - 1 && !used.has(v));
  const dropped = dropKeyVersions(keyFile, retired);
  return { version, cards, serviceKeys, dropped };
}
