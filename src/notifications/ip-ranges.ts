import { BlockList, isIP } from 'node:net';

type Family = 'ipv4' | 'ipv6';

interface Rule {
  list: BlockList;
  why: string;
}

function rule(family: Family, cidr: string, why: string): Rule {
  const [network, prefix] = cidr.split('/') as [string, string];
  const list = new BlockList();
  list.addSubnet(network, Number(prefix), family);
  return { list, why };
}

/**
 * Everything that is not plainly a public unicast address: the IANA IPv4 and IPv6 special-purpose registries
 * (RFC 6890 and successors), multicast and the reserved blocks. A notification must never reach into the
 * gateway's own network (loopback, private ranges, cloud metadata at 169.254.169.254, …). The order matters
 * only for the reason given: the narrower range comes first. Node's `BlockList` does the address arithmetic.
 */
const V4_RANGES: Array<[string, string]> = [
  ['0.0.0.0/8', 'unspecified ("this network")'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT (shared)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (cloud metadata)'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation'],
  ['192.31.196.0/24', 'AS112 DNS sink'],
  ['192.52.193.0/24', 'AMT relay anycast'],
  ['192.88.99.0/24', '6to4 relay'],
  ['192.168.0.0/16', 'private'],
  ['192.175.48.0/24', 'AS112 DNS sink'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved or broadcast'],
];

const V4: Rule[] = V4_RANGES.map(([cidr, why]) => rule('ipv4', cidr, why));

/**
 * NAT64 (64:ff9b::/96, RFC 6052) reaches the IPv4 address in its last 32 bits: it is as public as that address.
 * Each IPv4 range is therefore also refused inside the NAT64 prefix (64:ff9b::a.b.c.d/96+n).
 */
const NAT64 = rule('ipv6', '64:ff9b::/96', 'NAT64');
const NAT64_V4: Rule[] = V4_RANGES.map(([cidr, why]) => {
  const [network, prefix] = cidr.split('/') as [string, string];
  return rule('ipv6', `64:ff9b::${network}/${96 + Number(prefix)}`, `NAT64 of a ${why}`);
});

const V6: Rule[] = [
  rule('ipv6', '::/128', 'unspecified'),
  rule('ipv6', '::1/128', 'loopback'),
  // Both embed an IPv4 address the operating system may connect to directly.
  rule('ipv6', '::ffff:0:0/96', 'IPv4-mapped'),
  rule('ipv6', '::ffff:0:0:0/96', 'IPv4-translated'),
  rule('ipv6', '::/96', 'IPv4-compatible'),
  rule('ipv6', '64:ff9b:1::/48', 'local NAT64'),
  rule('ipv6', '100::/64', 'discard'),
  rule('ipv6', '100:0:0:1::/64', 'dummy prefix'),
  rule('ipv6', '2001:db8::/32', 'documentation'),
  rule('ipv6', '2001::/23', 'IETF protocol assignments (incl. Teredo)'),
  rule('ipv6', '2002::/16', '6to4 (embeds an IPv4 address)'),
  rule('ipv6', '2620:4f:8000::/48', 'AS112 DNS sink'),
  rule('ipv6', '3fff::/20', 'documentation'),
  rule('ipv6', '5f00::/16', 'SRv6 segment identifiers'),
  rule('ipv6', 'fc00::/7', 'unique local (private)'),
  rule('ipv6', 'fe80::/10', 'link-local'),
  rule('ipv6', 'fec0::/10', 'site-local'),
  rule('ipv6', 'ff00::/8', 'multicast'),
  // Only 2000::/3 is allocated as global unicast; the rest of the space is reserved by IANA.
  rule('ipv6', '::/3', 'reserved (outside global unicast)'),
  rule('ipv6', '4000::/2', 'reserved (outside global unicast)'),
  rule('ipv6', '8000::/1', 'reserved (outside global unicast)'),
];

function firstHit(rules: Rule[], address: string, family: Family): string | null {
  return rules.find((r) => r.list.check(address, family))?.why ?? null;
}

/** Why `address` is not a public unicast address, or null when it is one. Non-addresses are refused too. */
export function nonPublicReason(address: string): string | null {
  // A zone index (fe80::1%eth0) only makes sense for link-local addresses; BlockList does not parse it.
  const bare = address.replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 0) return 'not an IP address';
  if (version === 4) return firstHit(V4, bare, 'ipv4');
  if (NAT64.list.check(bare, 'ipv6')) return firstHit(NAT64_V4, bare, 'ipv6');
  return firstHit(V6, bare, 'ipv6');
}
