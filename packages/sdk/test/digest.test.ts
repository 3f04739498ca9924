import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KartotekaError, signWidget, SIGNATURE_ALGORITHMS } from '../src/index.js';
import { concatUtf8, hexDigest, timingSafeEqualHex } from '../src/digest.js';

describe('hexDigest (Web Crypto, plus SHA-224 in plain code) agrees with node:crypto', () => {
  const inputs = ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'zażółć gęślą jaźń '.repeat(40)];
  for (const alg of SIGNATURE_ALGORITHMS) {
    it(alg, async () => {
      for (const input of inputs) {
        const bytes = new TextEncoder().encode(input);
        expect(await hexDigest(alg, bytes)).toBe(createHash(alg).update(input, 'utf8').digest('hex'));
      }
    });
  }
  it('sha224 of "abc" is the FIPS 180-4 test vector', async () => {
    expect(await hexDigest('sha224', new TextEncoder().encode('abc'))).toBe(
      '23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7',
    );
  });
});

describe('timingSafeEqualHex', () => {
  it('is equality', () => {
    expect(timingSafeEqualHex('00ff', '00ff')).toBe(true);
    expect(timingSafeEqualHex('00ff', '00fe')).toBe(false);
    expect(timingSafeEqualHex('00ff', '00ff00')).toBe(false);
  });
});

describe('signWidget', () => {
  const fields = {
    serviceId: '63f574ed-d4ad-407e-9981-39ed0ffe8b2a',
    merchantId: '6yt3gjtm9p7b8h9xsdqz',
    amount: 1999,
    currency: 'PLN',
    orderId: 'order-1',
    customerId: 'cid-1',
    customerFirstName: 'Jan',
    customerLastName: 'Kowalski',
    customerEmail: 'jan+test@example.com',
    urlSuccess: 'https://shop.example/ok?x=1&y=2',
    customerPhone: undefined,
  } as const;
  const key = 'service-key-123';

  it('hashes the sorted key=value pairs joined by & (no URL-encoding) plus the serviceKey, then ;alg', async () => {
    const payload =
      'amount=1999&currency=PLN&customerEmail=jan+test@example.com&customerFirstName=Jan&customerId=cid-1' +
      '&customerLastName=Kowalski&merchantId=6yt3gjtm9p7b8h9xsdqz&orderId=order-1' +
      '&serviceId=63f574ed-d4ad-407e-9981-39ed0ffe8b2a&urlSuccess=https://shop.example/ok?x=1&y=2';
    const expected = createHash('sha256')
      .update(payload + key)
      .digest('hex');
    expect(await signWidget(fields, key)).toBe(`${expected};sha256`);
  });

  it('supports sha224/384/512 and changes with any field or the key', async () => {
    const s512 = await signWidget(fields, key, 'sha512');
    expect(s512).toMatch(/^[0-9a-f]{128};sha512$/);
    expect(await signWidget(fields, key, 'sha224')).toMatch(/^[0-9a-f]{56};sha224$/);
    expect(await signWidget({ ...fields, amount: 2000 }, key)).not.toBe(await signWidget(fields, key));
    expect(await signWidget(fields, `${key}x`)).not.toBe(await signWidget(fields, key));
  });

  it('refuses a value holding &<signed name>= (a re-arrangeable signature), keeps ordinary query strings', async () => {
    const rearranged = { ...fields, urlSuccess: 'https://shop.example/ok&validTo=1700000000' };
    await expect(signWidget(rearranged, key)).rejects.toThrow(KartotekaError);
    await expect(signWidget(rearranged, key)).rejects.toThrow(/urlSuccess contains "&validTo="/);
    await expect(signWidget({ ...fields, orderDescription: 'a&amount=1' }, key)).rejects.toThrow(
      /orderDescription contains "&amount="/,
    );
    await expect(
      signWidget({ ...fields, urlSuccess: 'https://shop.example/?wc-api=x&order=1' }, key),
    ).resolves.toMatch(/^[0-9a-f]{64};sha256$/);
  });

  it('concatUtf8 appends the key bytes', () => {
    expect(Array.from(concatUtf8(new Uint8Array([1, 2]), 'ż'))).toEqual([1, 2, 0xc5, 0xbc]);
  });
});
