import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.js';

/** A shop's serviceKey as stored: AES-256-GCM under a master key version, iv(12) | tag(16) | ciphertext. */
export interface SealedServiceKey {
  sealed: string;
  version: number;
}

const aadFor = (shopId: string) => Buffer.from(`service-key:${shopId}`);

/**
 * Seals shops' serviceKeys (the secret behind notification and widget signatures) with the master key. The
 * shop id is bound in as associated data, so a sealed key copied onto another shop won't open. Opened keys are
 * cached by their sealed text: signing and signature checks stay off the cipher after the first use.
 */
export class ServiceKeyBox {
  private readonly opened = new Map<string, string>();

  constructor(private readonly keyring: Keyring) {}

  seal(shopId: string, serviceKey: string): SealedServiceKey {
    const version = this.keyring.current;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keyring.key(version), iv);
    cipher.setAAD(aadFor(shopId));
    const body = Buffer.concat([cipher.update(serviceKey, 'utf8'), cipher.final()]);
    return { sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'), version };
  }

  open(shopId: string, sealed: SealedServiceKey): string {
    const cacheKey = `${shopId}:${sealed.version}:${sealed.sealed}`;
    const cached = this.opened.get(cacheKey);
    if (cached !== undefined) return cached;
    const raw = Buffer.from(sealed.sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.keyring.key(sealed.version), raw.subarray(0, 12));
    decipher.setAAD(aadFor(shopId));
    decipher.setAuthTag(raw.subarray(12, 28));
    const clear = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    this.opened.set(cacheKey, clear);
    return clear;
  }
}
