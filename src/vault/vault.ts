import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { cardBrand, last4, maskPan, type CardBrand } from '../domain/card.js';
import { Secret } from '../domain/secret.js';
import type { Keyring } from './keyring.js';
import type { CardStore, SealedCard } from './sealed-card.js';

export interface CardToSeal {
  id: string;
  merchantId: string;
  number: string;
  month: string;
  year: string;
  firstName: string;
  lastName: string;
  createdAt: number;
}

/** A card opened by the vault. The PAN stays wrapped in a Secret so that it can't leak by accident. */
export interface ClearCard {
  id: string;
  pan: Secret<string>;
  brand: CardBrand;
  masked: string;
  month: string;
  year: string;
  firstName: string;
  lastName: string;
}

function encrypt(key: Buffer, plain: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function decrypt(key: Buffer, sealed: string, aad: string): Buffer {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}

/**
 * The only place a full card number exists in clear. Each record gets its own random data key (envelope
 * encryption), so rotating the master key only re-wraps 32-byte keys, and a leaked data key exposes one card.
 * The record id and merchant are bound in as associated data, so a ciphertext moved to another row won't open.
 */
export class Vault {
  constructor(
    private readonly keyring: Keyring,
    private readonly store: CardStore,
  ) {}

  /** Keyed HMAC, so equal cards are recognisable without the fingerprint revealing the PAN. */
  fingerprint(pan: string): string {
    return createHmac('sha256', this.keyring.fingerprintKey).update(pan).digest('hex');
  }

  seal(card: CardToSeal): SealedCard {
    const aad = `${card.merchantId}:${card.id}`;
    const dataKey = randomBytes(32);
    const version = this.keyring.current;
    const sealed: SealedCard = {
      id: card.id,
      merchantId: card.merchantId,
      fingerprint: this.fingerprint(card.number),
      keyVersion: version,
      wrappedKey: encrypt(this.keyring.key(version), dataKey, aad),
      encryptedPan: encrypt(dataKey, Buffer.from(card.number, 'utf8'), aad),
      brand: cardBrand(card.number),
      last4: last4(card.number),
      month: card.month,
      year: card.year,
      firstName: card.firstName,
      lastName: card.lastName,
      createdAt: card.createdAt,
    };
    dataKey.fill(0);
    return sealed;
  }

  open(sealed: SealedCard): ClearCard {
    const aad = `${sealed.merchantId}:${sealed.id}`;
    const dataKey = decrypt(this.keyring.key(sealed.keyVersion), sealed.wrappedKey, aad);
    const pan = decrypt(dataKey, sealed.encryptedPan, aad).toString('utf8');
    dataKey.fill(0);
    return {
      id: sealed.id,
      pan: new Secret(pan, maskPan(pan)),
      brand: sealed.brand,
      masked: maskPan(pan),
      month: sealed.month,
      year: sealed.year,
      firstName: sealed.firstName,
      lastName: sealed.lastName,
    };
  }

  /** Runs `use` with the card in clear; nothing outside the callback ever holds the decrypted PAN. */
  async withCard<T>(cardId: string, use: (card: ClearCard) => Promise<T>): Promise<T> {
    const sealed = await this.store.getCard(cardId);
    if (!sealed) throw new Error(`vault: no card ${cardId}`);
    return use(this.open(sealed));
  }

  /** {@link withCard} for a sealed record the caller has already read (a debit reads it with the profile). */
  async withSealedCard<T>(sealed: SealedCard, use: (card: ClearCard) => Promise<T>): Promise<T> {
    return use(this.open(sealed));
  }

  /** Re-wraps a record's data key under the current master key (after a rotation). */
  rewrap(sealed: SealedCard): SealedCard {
    if (sealed.keyVersion === this.keyring.current) return sealed;
    const aad = `${sealed.merchantId}:${sealed.id}`;
    const dataKey = decrypt(this.keyring.key(sealed.keyVersion), sealed.wrappedKey, aad);
    const wrappedKey = encrypt(this.keyring.key(this.keyring.current), dataKey, aad);
    dataKey.fill(0);
    return { ...sealed, keyVersion: this.keyring.current, wrappedKey };
  }
}
