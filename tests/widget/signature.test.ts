import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseAttributes } from '../../src/widget/attributes.js';
import { minifyJs } from '../../src/widget/assets.js';
import {
  ambiguousValue,
  signingInput,
  signWidget,
  verifyWidgetSignature,
} from '../../src/widget/signature.js';

const KEY = 'service-key-123';
const attrs = {
  merchantId: 'abc123',
  serviceId: '63f574ed-d4ad-407e-9e11-7cb4d6a0b4a0',
  amount: '1999',
  currency: 'PLN',
  orderId: 'order-1',
  customerId: 'cid-1',
  customerFirstName: 'Jan',
  customerLastName: 'Kowalski',
  customerEmail: 'jan@example.com',
};

describe('widget signature', () => {
  it('sorts keys, joins key=value with &, appends the service key, hashes', () => {
    expect(signingInput(attrs, KEY)).toBe(
      'amount=1999&currency=PLN&customerEmail=jan@example.com&customerFirstName=Jan&customerId=cid-1' +
        '&customerLastName=Kowalski&merchantId=abc123&orderId=order-1' +
        '&serviceId=63f574ed-d4ad-407e-9e11-7cb4d6a0b4a0service-key-123',
    );
    const hex = createHash('sha256').update(signingInput(attrs, KEY)).digest('hex');
    expect(signWidget(attrs, KEY)).toBe(`${hex};sha256`);
  });

  it('does not URL-encode values', () => {
    const input = signingInput({ ...attrs, urlSuccess: 'https://shop.example/ok?a=1&b=ż' }, KEY);
    expect(input).toContain('urlSuccess=https://shop.example/ok?a=1&b=żservice-key-123');
  });

  it('leaves display-only and unknown attributes out', () => {
    const plain = signWidget(attrs, KEY);
    const withExtras = {
      ...attrs,
      locale: 'en',
      inline: 'true',
      elementId: 'x',
      elementEvent: 'click',
      foo: '1',
    };
    expect(signWidget(withExtras, KEY)).toBe(plain);
    expect(verifyWidgetSignature(withExtras, plain, KEY)).toEqual({ ok: true });
  });

  it('signs optional attributes when present, including widgetType', () => {
    const withType = { ...attrs, widgetType: 'recurring' };
    expect(verifyWidgetSignature(withType, signWidget(attrs, KEY), KEY)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWidgetSignature(withType, signWidget(withType, KEY), KEY)).toEqual({ ok: true });
  });

  it.each(['sha224', 'sha256', 'sha384', 'sha512'] as const)('accepts %s', (algorithm) => {
    const signature = signWidget(attrs, KEY, algorithm);
    expect(signature.endsWith(`;${algorithm}`)).toBe(true);
    expect(verifyWidgetSignature(attrs, signature, KEY)).toEqual({ ok: true });
    expect(verifyWidgetSignature(attrs, signature.toUpperCase().replace(/;SHA/, ';sha'), KEY)).toEqual({
      ok: true,
    });
  });

  it('refuses a tampered value, a wrong key, a missing or malformed signature', () => {
    const signature = signWidget(attrs, KEY);
    expect(verifyWidgetSignature({ ...attrs, amount: '1' }, signature, KEY).ok).toBe(false);
    expect(verifyWidgetSignature(attrs, signature, 'other-key').ok).toBe(false);
    expect(verifyWidgetSignature(attrs, undefined, KEY)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyWidgetSignature(attrs, signature.split(';')[0], KEY)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyWidgetSignature(attrs, signature.replace('sha256', 'md5'), KEY).ok).toBe(false);
    // A sha256 hex relabelled as sha512 has the wrong length: refused without throwing.
    expect(verifyWidgetSignature(attrs, signature.replace('sha256', 'sha512'), KEY)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });
});

describe('re-arranged widget signatures (issue 12, item 11)', () => {
  const expired = { ...attrs, urlSuccess: 'https://shop.example/ok', validTo: '1000000000' };

  it('refuses an expired widget revived by moving &validTo=… into urlSuccess', () => {
    const signature = signWidget(expired, KEY);
    const { validTo, ...rest } = expired;
    const rearranged = { ...rest, urlSuccess: `https://shop.example/ok&validTo=${validTo}` };
    // The unescaped signing string can't tell the two apart: the signature alone would accept it.
    expect(signingInput(rearranged, KEY)).toBe(signingInput(expired, KEY));
    expect(verifyWidgetSignature(rearranged, signature, KEY)).toEqual({
      ok: false,
      reason: 'ambiguous',
      attribute: 'urlSuccess',
      contains: 'validTo',
    });
    expect(verifyWidgetSignature(expired, signature, KEY)).toEqual({ ok: true });
  });

  it('refuses &name= for every signable name in every signed value', () => {
    for (const name of ['amount', 'orderId', 'widgetType', 'customerEmail', 'urlCancel']) {
      for (const key of ['orderDescription', 'urlFailure', 'customerLastName']) {
        const tampered = { ...attrs, [key]: `x&${name}=y` };
        expect(ambiguousValue(tampered)).toEqual({ attribute: key, contains: name });
        expect(verifyWidgetSignature(tampered, signWidget(tampered, KEY), KEY).ok).toBe(false);
      }
    }
  });

  it('keeps ordinary query strings working: ?wc-api=x&order=1, &amp, &valid=, names in other case', () => {
    for (const urlSuccess of [
      'https://shop.example/?wc-api=x&order=1',
      'https://shop.example/?a=1&b=2&orderid=3&validto=4',
      'https://shop.example/?x=1&amount', // no "="
      'https://shop.example/?x=1&amountX=2',
    ]) {
      const ok = { ...attrs, urlSuccess };
      expect(verifyWidgetSignature(ok, signWidget(ok, KEY), KEY)).toEqual({ ok: true });
    }
  });
});

describe('widget attributes', () => {
  it('parses a complete set with defaults', () => {
    const r = parseAttributes(attrs);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.attrs.amount).toBe(1999);
      expect(r.attrs.widgetType).toBe('oneclick');
      expect(r.attrs.locale).toBe('pl');
      expect(r.attrs.inline).toBe(false);
    }
  });

  it('names every problem as a data-* attribute', () => {
    const r = parseAttributes({ ...attrs, amount: '19.99', customerEmail: undefined, widgetType: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.attribute).sort()).toEqual([
        'data-amount',
        'data-customer-email',
        'data-widget-type',
      ]);
    }
  });

  it('reads validTo as unix seconds or ISO 8601', () => {
    const a = parseAttributes({ ...attrs, validTo: '2000000000' });
    const b = parseAttributes({ ...attrs, validTo: '2033-05-18T03:33:20Z' });
    expect(a.ok && a.attrs.validTo).toBe(2_000_000_000_000);
    expect(b.ok && b.attrs.validTo).toBe(2_000_000_000_000);
  });
});

describe('minifier', () => {
  it('drops whole-line comments and indentation but never touches // inside a line', () => {
    const src = `/*\n * header\n */\n(function () {\n  // a comment\n  var u = 'https://x.example/a';\n\n  /** one line */\n  go(u); // trailing\n})();\n`;
    expect(minifyJs(src)).toBe(`(function () {\nvar u = 'https://x.example/a';\ngo(u); // trailing\n})();\n`);
  });
});
