import { createHash } from 'node:crypto';
import { luhnValid } from '../src/domain/card.js';
import { TEST_CARDS } from '../src/acquirer/sandbox/codes.js';

/**
 * Deterministic, random-looking ids: the seeder and the load generator derive the same id from an index, so
 * a million seeded profiles need no list held in memory, and B-tree inserts land at random places as real
 * UUIDs do. The shape matches the gateway's UUID v4 pattern.
 */
export function benchUuid(namespace: string, index: number): string {
  const h = createHash('sha256').update(`${namespace}:${index}`).digest('hex');
  const variant = '89ab'[parseInt(h[16]!, 16) & 3]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function luhnDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return String(d);
  throw new Error('unreachable: one check digit always fits');
}

/**
 * A 16-digit Visa-range number with a valid check digit that is not one of the sandbox's magic test cards, so
 * the sandbox treats it like 4111111111111111 (frictionless, approved).
 */
export function frictionlessCardNumber(index: number): string {
  const body = `49${String(index % 1e13).padStart(13, '0')}`;
  const pan = body + luhnDigit(body);
  if (pan in TEST_CARDS) return frictionlessCardNumber(index + 1e12);
  return pan;
}

/** Visits 0..n-1 once each, in a scattered order (a stride coprime to n), without a shuffled array. */
export function scatter(n: number): (k: number) => number {
  let stride = Math.floor(n * 0.618_033_988_7) | 1;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  while (gcd(stride, n) !== 1) stride += 2;
  return (k) => (k * stride + 7) % n;
}
