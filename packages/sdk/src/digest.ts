import { sha224 } from './sha224.js';

/** The hash algorithms imoje names in signatures (`alg=` in the notification header, `;alg` in the widget). */
export const SIGNATURE_ALGORITHMS = ['sha224', 'sha256', 'sha384', 'sha512'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

const SUBTLE_NAMES: Record<Exclude<SignatureAlgorithm, 'sha224'>, string> = {
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

export function isSignatureAlgorithm(value: string): value is SignatureAlgorithm {
  return (SIGNATURE_ALGORITHMS as readonly string[]).includes(value);
}

const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Lowercase hex digest through Web Crypto, which Node 20+, browsers and edge runtimes all have, so the SDK needs
 * no `node:crypto` (Web Crypto has no SHA-224; that one is computed in plain code).
 */
export async function hexDigest(alg: SignatureAlgorithm, data: Uint8Array<ArrayBuffer>): Promise<string> {
  if (alg === 'sha224') return toHex(sha224(data));
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error(
      'Web Crypto (globalThis.crypto.subtle) is not available; browsers expose it only on https pages',
    );
  }
  return toHex(new Uint8Array(await subtle.digest(SUBTLE_NAMES[alg], data)));
}

/** Bytes of `head` followed by the UTF-8 bytes of `tail` (imoje signs "payload + serviceKey"). */
export function concatUtf8(head: Uint8Array, tail: string): Uint8Array<ArrayBuffer> {
  const tailBytes = new TextEncoder().encode(tail);
  const out = new Uint8Array(head.length + tailBytes.length);
  out.set(head);
  out.set(tailBytes, head.length);
  return out;
}

/**
 * Compares two hex strings in time that depends only on their length, so a forger cannot learn the expected
 * signature byte by byte from response timings. The length of a digest of a known algorithm is public anyway.
 */
export function timingSafeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
