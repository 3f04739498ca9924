/** docs/sdk.md shows the example files verbatim (with the published import path); this keeps them in step. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const doc = readFileSync(resolve(repoRoot, 'docs/sdk.md'), 'utf8');

describe('docs/sdk.md', () => {
  const includes = [...doc.matchAll(/<!-- include: (\S+) -->\n\n```ts\n([\s\S]*?)```/g)];

  it('includes both example files', () => {
    expect(includes.map((m) => m[1])).toEqual([
      'packages/sdk/examples/shop.ts',
      'packages/sdk/examples/notifications-server.ts',
    ]);
  });

  for (const [, path, block] of includes) {
    it(`shows ${path} as it is`, () => {
      const source = readFileSync(resolve(repoRoot, path!), 'utf8').replace(
        "'../src/index.js'",
        "'@kartoteka/sdk'",
      );
      expect(block).toBe(source);
    });
  }
});
