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
