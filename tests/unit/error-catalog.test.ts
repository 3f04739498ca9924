import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../src/domain/error-catalog.js';
import { renderErrorsDoc } from '../../scripts/errors-doc.js';

describe('error catalog', () => {
  it('docs/errors.md is exactly what the catalog generates (run `npm run docs:errors`)', () => {
    expect(readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')).toBe(renderErrorsDoc());
  });

  it('every code is unique, imoje-shaped, and keeps imoje’s own TRX-ERROR-120301', () => {
    const codes = Object.values(ERROR_CATALOG).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[A-Z]{3}-ERROR-[0-9]{6}$/);
    expect(ERROR_CATALOG.profileInactive).toEqual({
      code: 'TRX-ERROR-120301',
      status: 400,
      message: 'Payment profile inactive.',
    });
    expect(ERROR_CATALOG.plainCardDataDisabled.message).toBe(
      'Cannot process transaction. Plain card data disabled.',
    );
  });

  it('statuses are the ones imoje-api.md §2 prescribes', () => {
    for (const e of Object.values(ERROR_CATALOG))
      expect([400, 401, 403, 404, 405, 408, 409, 413, 414, 415, 422, 429, 431, 500, 503]).toContain(e.status);
  });
});
