import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nonPublicReason } from '../../src/notifications/ip-ranges.js';
import {
  delayBeforeAttempt,
  MAX_ATTEMPTS,
  nextAttemptAfter,
} from '../../src/notifications/retry-schedule.js';
import { notificationSignature, signatureHeader } from '../../src/notifications/signer.js';
import { checkTarget, type Resolver } from '../../src/notifications/url-guard.js';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

describe('retry schedule', () => {
  it('is 3×10 s, 5×5 min, 5×60 min, 5×6 h, 5×12 h: 23 attempts, the first at once', () => {
    expect(MAX_ATTEMPTS).toBe(23);
    const delays = Array.from({ length: 23 }, (_, i) => delayBeforeAttempt(i + 1));
    expect(delays).toEqual([
      0,
      10 * S,
      10 * S,
      ...Array<number>(5).fill(5 * MIN),
      ...Array<number>(5).fill(60 * MIN),
      ...Array<number>(5).fill(6 * H),
      ...Array<number>(5).fill(12 * H),
    ]);
    expect(() => delayBeforeAttempt(24)).toThrow(RangeError);
  });

  it('gives up after the 23rd attempt', () => {
    expect(nextAttemptAfter(1, 1000)).toBe(1000 + 10 * S);
    expect(nextAttemptAfter(3, 0)).toBe(5 * MIN);
    expect(nextAttemptAfter(22, 0)).toBe(12 * H);
    expect(nextAttemptAfter(23, 0)).toBeNull();
  });
});

describe('signer', () => {
  it('hashes the body bytes followed by the service key', () => {
    const body = Buffer.from('{"a":"zażółć"}', 'utf8');
    const expected = createHash('sha256').update('{"a":"zażółć"}key-1', 'utf8').digest('hex');
    expect(notificationSignature(body, 'key-1')).toBe(expected);
    expect(signatureHeader('m1', 's1', body, 'key-1')).toBe(
      `merchantid=m1;serviceid=s1;signature=${expected};alg=sha256`,
    );
  });

  it('changes when one byte of the body changes', () => {
    const a = notificationSignature(Buffer.from('{"amount":100}'), 'k');
    const b = notificationSignature(Buffer.from('{"amount":101}'), 'k');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('public address check', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.10', 'private'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'carrier-grade NAT (shared)'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['255.255.255.255', 'reserved or broadcast'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'IPv4-mapped'],
    ['::ffff:8.8.8.8', 'IPv4-mapped'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'IPv4-mapped'],
    ['fc00::1', 'unique local (private)'],
    ['fd00:ec2::254', 'unique local (private)'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['not-an-ip', 'not an IP address'],
  ])('refuses %s (%s)', (address, why) => {
    expect(nonPublicReason(address)).toBe(why);
  });

  it.each([
    ['::ffff:0:7f00:1', 'IPv4-translated'],
    ['::ffff:0:127.0.0.1', 'IPv4-translated'],
    ['0:0:0:0:ffff:0:a9fe:a9fe', 'IPv4-translated'],
    ['::ffff:0:808:808', 'IPv4-translated'],
    ['::ffff:0:0', 'IPv4-mapped'],
  ])(
    'refuses the IPv4-translated and IPv4-mapped ranges, ::ffff:0:0:0/96 and ::ffff:0:0/96 (%s was let through)',
    (address, why) => {
      expect(nonPublicReason(address)).toBe(why);
    },
  );

  it.each([
    // IPv4 special-purpose registry (RFC 6890 and successors), multicast, reserved
    ['0.1.2.3', 'unspecified ("this network")'],
    ['10.255.255.255', 'private'],
    ['100.127.255.255', 'carrier-grade NAT (shared)'],
    ['169.254.0.1', 'link-local (cloud metadata)'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.255', 'documentation'],
    ['192.31.196.1', 'AS112 DNS sink'],
    ['192.52.193.1', 'AMT relay anycast'],
    ['192.88.99.1', '6to4 relay'],
    ['192.175.48.1', 'AS112 DNS sink'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved or broadcast'],
    // IPv6 special-purpose registry, and everything outside global unicast 2000::/3
    ['::127.0.0.1', 'IPv4-compatible'],
    ['64:ff9b:1::a00:1', 'local NAT64'],
    ['100::1', 'discard'],
    ['100:0:0:1::1', 'dummy prefix'],
    ['2001::1', 'IETF protocol assignments (incl. Teredo)'],
    ['2001:2::1', 'IETF protocol assignments (incl. Teredo)'],
    ['2001:db8:ffff::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2002:7f00:1::1', '6to4 (embeds an IPv4 address)'],
    ['2002:808:808::1', '6to4 (embeds an IPv4 address)'],
    ['2620:4f:8000::1', 'AS112 DNS sink'],
    ['5f00::1', 'SRv6 segment identifiers'],
    ['fdff:ffff::1', 'unique local (private)'],
    ['febf::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff0e::1', 'multicast'],
    ['1::1', 'reserved (outside global unicast)'],
    ['4000::1', 'reserved (outside global unicast)'],
    ['e000::1', 'reserved (outside global unicast)'],
  ])('refuses every special-purpose range family: %s (%s)', (address, why) => {
    expect(nonPublicReason(address)).toBe(why);
  });

  it.each([
    ['64:ff9b::7f00:1', 'NAT64 of a loopback'],
    ['64:ff9b::127.0.0.1', 'NAT64 of a loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of a link-local (cloud metadata)'],
    ['64:ff9b::a00:1', 'NAT64 of a private'],
    ['64:ff9b::', 'NAT64 of a unspecified ("this network")'],
  ])('judges a NAT64 address 64:ff9b::/96 by the IPv4 address it embeds: %s (%s)', (address, why) => {
    expect(nonPublicReason(address)).toBe(why);
  });

  it('lets a NAT64 address of a public IPv4 address through (64:ff9b::8.8.8.8)', () => {
    expect(nonPublicReason('64:ff9b::8.8.8.8')).toBeNull();
    expect(nonPublicReason('64:ff9b::101:101')).toBeNull();
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a00:1450:4001::1'])(
    'accepts the public address %s',
    (address) => {
      expect(nonPublicReason(address)).toBeNull();
    },
  );
});

describe('notification URL guard', () => {
  const answers =
    (table: Record<string, string[]>): Resolver =>
    async (host) => {
      const list = table[host];
      if (!list) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
      return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
  const dns = answers({
    'shop.example': ['93.184.215.14'],
    'intranet.example': ['10.1.2.3'],
    'metadata.example': ['169.254.169.254'],
    'mixed.example': ['93.184.215.14', '192.168.1.5'],
    'v6local.example': ['fd12::1'],
  });

  it('allows localhost, any port and plain http in sandbox mode', async () => {
    const r = await checkTarget('http://127.0.0.1:8081/n', 'sandbox', dns);
    expect(r).toMatchObject({ ok: true, target: { address: '127.0.0.1', family: 4 } });
    expect((await checkTarget('http://localhost:3000/', 'sandbox', dns)).ok).toBe(true);
  });

  it('accepts https, and http on port 80, to a public address, pinned to the checked address', async () => {
    const a = await checkTarget('https://shop.example/notify', 'production', dns);
    expect(a).toMatchObject({ ok: true, target: { hostname: 'shop.example', address: '93.184.215.14' } });
    expect((await checkTarget('http://shop.example/notify', 'production', dns)).ok).toBe(true);
    expect((await checkTarget('http://shop.example:80/notify', 'production', dns)).ok).toBe(true);
    expect((await checkTarget('https://shop.example:8443/notify', 'production', dns)).ok).toBe(true);
  });

  it('refuses plain http on another port in production', async () => {
    const r = await checkTarget('http://shop.example:8080/notify', 'production', dns);
    expect(r).toEqual({
      ok: false,
      error: 'refused in production mode: plain http only on port 80, not 8080; use https',
    });
  });

  it.each([
    ['https://127.0.0.1/n', 'loopback'],
    ['https://[::1]/n', 'loopback'],
    ['https://10.0.0.8/n', 'private'],
    ['https://192.168.1.1/n', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local (cloud metadata)'],
    ['https://[::ffff:127.0.0.1]/n', 'IPv4-mapped'],
    ['https://0.0.0.0/n', 'unspecified ("this network")'],
    ['https://[::ffff:0:7f00:1]/n', 'IPv4-translated'],
    ['https://[64:ff9b::a9fe:a9fe]/n', 'NAT64 of a link-local (cloud metadata)'],
  ])('refuses the literal target %s in production', async (url, why) => {
    const r = await checkTarget(url, 'production', dns);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(`is a ${why} address`);
  });

  it.each([
    ['https://intranet.example/n', '10.1.2.3', 'private'],
    ['https://metadata.example/n', '169.254.169.254', 'link-local (cloud metadata)'],
    ['https://mixed.example/n', '192.168.1.5', 'private'],
    ['https://v6local.example/n', 'fd12::1', 'unique local (private)'],
  ])('refuses %s after resolving it (%s)', async (url, address, why) => {
    const r = await checkTarget(url, 'production', dns);
    const host = new URL(url).hostname;
    expect(r).toEqual({
      ok: false,
      error: `refused in production mode: ${address} (resolved from ${host}) is a ${why} address, not a public one`,
    });
  });

  it('refuses localhost after real resolution (hosts file: loopback)', async () => {
    const r = await checkTarget('https://localhost/n', 'production');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/resolved from localhost\) is a loopback address/);
  });

  it('reports unresolvable hosts and non-http schemes', async () => {
    const r = await checkTarget('https://nowhere.example/n', 'production', dns);
    expect(r).toEqual({
      ok: false,
      error: 'cannot resolve nowhere.example: getaddrinfo ENOTFOUND nowhere.example',
    });
    expect(await checkTarget('ftp://shop.example/n', 'sandbox', dns)).toEqual({
      ok: false,
      error: 'notification URL must be http or https, not ftp:',
    });
    expect((await checkTarget('not a url', 'sandbox', dns)).ok).toBe(false);
  });
});
