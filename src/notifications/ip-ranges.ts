import { isIP } from 'node:net';

interface Range {
  bits: bigint;
  prefix: number;
  why: string;
}

function range(cidr: string, why: string): Range {
  const [address, prefix] = cidr.split('/') as [string, string];
  return { bits: toBits(address), prefix: Number(prefix), why };
}

/** The address as an unsigned integer (32 bits for IPv4, 128 for IPv6). */
function toBits(address: string): bigint {
  if (isIP(address) === 4) {
    return address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  }
  let text = address.toLowerCase().replace(/%.*$/, '');
  // A dotted IPv4 tail (::ffff:127.0.0.1) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const n = Number(toBits(v4[1]));
    text = text.slice(0, -v4[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function contains(r: Range, bits: bigint, width: number): boolean {
  const shift = BigInt(width - r.prefix);
  return bits >> shift === r.bits >> shift;
}

// Anything that is not plainly a public unicast address: a notification must never reach into the gateway's
// own network (loopback, private ranges, cloud metadata at 169.254.169.254, …).
const V4: Range[] = [
  range('0.0.0.0/8', 'unspecified ("this network")'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'carrier-grade NAT (shared)'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local (cloud metadata)'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', '6to4 relay'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved or broadcast'),
];

const V6: Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('::ffff:0:0/96', 'IPv4-mapped'),
  range('::/96', 'IPv4-compatible'),
  range('64:ff9b::/96', 'NAT64 (embeds an IPv4 address)'),
  range('64:ff9b:1::/48', 'local NAT64'),
  range('100::/64', 'discard'),
  range('2001::/23', 'IETF protocol assignments (incl. Teredo)'),
  range('2001:db8::/32', 'documentation'),
  range('2002::/16', '6to4 (embeds an IPv4 address)'),
  range('fc00::/7', 'unique local (private)'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local'),
  range('ff00::/8', 'multicast'),
];

/** Why `address` is not a public unicast address, or null when it is one. Non-addresses are refused too. */
export function nonPublicReason(address: string): string | null {
  const family = isIP(address.replace(/%.*$/, ''));
  if (family === 0) return 'not an IP address';
  const bits = toBits(address);
  const ranges = family === 4 ? V4 : V6;
  const hit = ranges.find((r) => contains(r, bits, family === 4 ? 32 : 128));
  return hit ? hit.why : null;
}
