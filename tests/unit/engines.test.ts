import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

// npm warns EBADENGINE (and some packages then fail at run time) when a dependency does not support the Node
// version in use. Every Node version our `engines` field promises must be one every locked package supports:
// `fastify`'s `light-my-request` once pulled in `cookie@2`, which asks for Node ≥ 22 while we promised 20.
describe('Node versions', () => {
  it('we promise the two LTS lines we test: Node 20 and Node 22', () => {
    expect(semver.satisfies('20.19.0', pkg.engines.node)).toBe(true);
    expect(semver.satisfies('22.13.0', pkg.engines.node)).toBe(true);
  });

  it('every locked package supports every Node version our engines field allows', () => {
    const narrower: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!path || !wanted) continue;
      if (!semver.subset(pkg.engines.node, wanted)) narrower.push(`${path}@${entry.version}: node ${wanted}`);
    }
    expect(narrower, `packages that support less than "${pkg.engines.node}"`).toEqual([]);
  });
});
