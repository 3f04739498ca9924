import type { CardBrand } from '../domain/card.js';

/** What the vault persists for one card: the PAN only as ciphertext, plus the non-sensitive display data. */
export interface SealedCard {
  id: string;
  merchantId: string;
  fingerprint: string;
  keyVersion: number;
  /** The per-record data key, AES-256-GCM-encrypted with the master key: iv(12) | tag(16) | key(32), base64. */
  wrappedKey: string;
  /** The PAN, AES-256-GCM-encrypted with the data key: iv(12) | tag(16) | ciphertext, base64. */
  encryptedPan: string;
  brand: CardBrand;
  last4: string;
  month: string;
  year: string;
  firstName: string;
  lastName: string;
  createdAt: number;
}

/** Where sealed cards live; implemented by storage/. */
export interface CardStore {
  getCard(id: string): Promise<SealedCard | undefined>;
}
