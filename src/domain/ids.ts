import { randomBytes, randomUUID } from 'node:crypto';

export const UUID_V4_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';
const UUID_V4 = new RegExp(UUID_V4_PATTERN);

export function newId(): string {
  return randomUUID();
}

export function isUuidV4(value: string): boolean {
  return UUID_V4.test(value);
}

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Uniform random string over an alphabet (rejection sampling avoids modulo bias). */
export function randomString(length: number, alphabet: string): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** imoje merchant ids are 20 lowercase letters and digits. */
export function newMerchantId(): string {
  return randomString(20, LOWER_ALNUM);
}

export function newServiceKey(): string {
  return randomString(32, ALNUM);
}

export function newApiToken(): string {
  return randomString(48, ALNUM);
}
