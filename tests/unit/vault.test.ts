import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { keyringFromFile, newKeyFile } from '../../src/vault/keyring.js';
import type { SealedCard } from '../../src/vault/sealed-card.js';
import { Vault } from '../../src/vault/vault.js';

function vaultWith(file = newKeyFile()) {
  const store = new Map<string, SealedCard>();
  const vault = new Vault(keyringFromFile(file), { getCard: async (id) => store.get(id) });
  return { vault, store, file };
}

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

describe('vault', () => {
  it('seals the PAN with AES-256-GCM under a per-record data key; the record holds no clear PAN', () => {
    const { vault } = vaultWith();
    const a = vault.seal(card);
    const b = vault.seal(card);
    expect(JSON.stringify(a)).not.toContain('4111111111111111');
    expect(a.last4).toBe('1111');
    expect(a.brand).toBe('VISA');
    expect(a.encryptedPan).not.toBe(b.encryptedPan); // fresh data key and IV each time
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(a.fingerprint).toBe(b.fingerprint); // the same card is recognisable
    expect(vault.open(a).pan.reveal()).toBe('4111111111111111');
  });

  it('the clear card exists only inside withCard, and its PAN prints masked', async () => {
    const { vault, store } = vaultWith();
    store.set('c1', vault.seal(card));
    const seen = await vault.withCard('c1', async (clear) => {
      expect(String(clear.pan)).toBe('****1111');
      expect(JSON.stringify(clear)).not.toContain('4111111111111111');
      expect(inspect(clear)).not.toContain('4111111111111111');
      return clear.pan.reveal();
    });
    expect(seen).toBe('4111111111111111');
  });

  it('a ciphertext moved to another record or merchant does not open (bound as associated data)', () => {
    const { vault } = vaultWith();
    const sealed = vault.seal(card);
    expect(() => vault.open({ ...sealed, id: 'c2' })).toThrow();
    expect(() => vault.open({ ...sealed, merchantId: 'm2' })).toThrow();
    const tampered = Buffer.from(sealed.encryptedPan, 'base64');
    tampered[tampered.length - 1]! ^= 1;
    expect(() => vault.open({ ...sealed, encryptedPan: tampered.toString('base64') })).toThrow();
  });

  it('fingerprints are keyed: another installation computes another fingerprint', () => {
    const one = vaultWith().vault.fingerprint('4111111111111111');
    const two = vaultWith().vault.fingerprint('4111111111111111');
    expect(one).not.toBe(two);
    expect(one).toMatch(/^[0-9a-f]{64}$/);
  });

  it('master key rotation: old records still open, and rewrap moves them to the new version', () => {
    const file = newKeyFile();
    const { vault: v1 } = vaultWith(file);
    const old = v1.seal(card);
    const rotated = {
      ...file,
      current: 2,
      keys: { ...file.keys, '2': Buffer.alloc(32, 7).toString('base64') },
    };
    const { vault: v2 } = vaultWith(rotated);
    expect(v2.open(old).pan.reveal()).toBe('4111111111111111');
    const rewrapped = v2.rewrap(old);
    expect(rewrapped.keyVersion).toBe(2);
    expect(rewrapped.encryptedPan).toBe(old.encryptedPan);
    expect(v2.open(rewrapped).pan.reveal()).toBe('4111111111111111');
    expect(v2.fingerprint('4111111111111111')).toBe(v1.fingerprint('4111111111111111'));
  });
});
