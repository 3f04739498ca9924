/**
 * The package as a shop installs it: build with tsc, `npm pack`, unpack the tarball into a scratch consumer
 * project's node_modules (no registry, no network), then type-check the consumer with moduleResolution NodeNext
 * and run it with plain Node.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sdkDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
const repoRoot = resolve(sdkDir, '../..');
const tsc = resolve(repoRoot, 'node_modules/typescript/bin/tsc');

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n${e.message}`);
  }
}

const CONSUMER_TS = `
import {
  KartotekaClient,
  ValidationError,
  signWidget,
  verifyNotification,
  type CreateTransactionRequest,
  type TransactionResponse,
} from '@kartoteka/sdk';

const client = new KartotekaClient({ baseUrl: 'http://127.0.0.1:1/v1/merchant', merchantId: 'm', token: 't' });
export const pending: Promise<TransactionResponse> = client.getTransaction('id');
pending.catch(() => undefined);
export const isValidation = (e: unknown): e is ValidationError => e instanceof ValidationError;
export const verify = (raw: string, header: string) => verifyNotification(raw, header, 'key');
export const signed: Promise<string> = signWidget(
  { merchantId: 'm', serviceId: 's', amount: 100, currency: 'PLN', orderId: 'o', customerId: 'c',
    customerFirstName: 'Jan', customerLastName: 'Kowalski', customerEmail: 'jan@example.com' },
  'key',
);
// If the types did not resolve (an implicit any), this directive would be unused and fail the build.
// @ts-expect-error not a currency
export const bad: CreateTransactionRequest['currency'] = 'XYZ';
`;

const CONSUMER_MJS = `
import { KartotekaClient, signWidget, NotFoundError } from '@kartoteka/sdk';
const signature = await signWidget(
  { merchantId: 'm', serviceId: 's', amount: 100, currency: 'PLN', orderId: 'o', customerId: 'c',
    customerFirstName: 'Jan', customerLastName: 'Kowalski', customerEmail: 'jan@example.com' },
  'key',
);
let deepImport = 'allowed';
try { await import('@kartoteka/sdk/dist/client.js'); } catch (e) { deepImport = e.code; }
console.log(JSON.stringify({
  client: typeof new KartotekaClient({ merchantId: 'm', token: 't' }).createTransaction,
  notFound: typeof NotFoundError,
  signature,
  deepImport,
}));
`;

describe('the packed @kartoteka/sdk in a consumer project', () => {
  let scratch: string;
  let installed: string;
  let files: string[];

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'kartoteka-sdk-consumer-'));
    rmSync(join(sdkDir, 'dist'), { recursive: true, force: true });
    run(process.execPath, [tsc, '-p', join(sdkDir, 'tsconfig.json')], repoRoot);
    const packed = JSON.parse(
      run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], sdkDir),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = packed[0]!.files.map((f) => f.path);
    const consumer = join(scratch, 'consumer');
    installed = join(consumer, 'node_modules/@kartoteka/sdk');
    mkdirSync(installed, { recursive: true });
    run(
      'tar',
      ['-xzf', join(scratch, packed[0]!.filename), '-C', installed, '--strip-components=1'],
      scratch,
    );
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'shop', private: true, type: 'module' }),
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2022', 'DOM'],
          types: [],
          strict: true,
          noEmit: true,
        },
        include: ['index.ts'],
      }),
    );
    writeFileSync(join(consumer, 'index.ts'), CONSUMER_TS);
    writeFileSync(join(consumer, 'main.mjs'), CONSUMER_MJS);
  }, 120_000);
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('ships only the compiled ESM, its declarations and package.json, with zero dependencies', () => {
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('package.json');
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.peerDependencies).toBeUndefined();
    expect(manifest.type).toBe('module');
  });

  it('uses no Node-only modules, so it also runs in browsers and edge runtimes', () => {
    const js = readdirSync(join(installed, 'dist')).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(5);
    for (const f of js) {
      const code = readFileSync(join(installed, 'dist', f), 'utf8');
      expect(code, f).not.toMatch(/from ['"]node:|require\(|\bprocess\.|\bBuffer\./);
    }
  });

  it('type-checks a consumer with moduleResolution NodeNext', () => {
    run(process.execPath, [tsc, '-p', join(scratch, 'consumer/tsconfig.json')], repoRoot);
  });

  it('imports and runs under plain Node ESM; deep imports are closed by the exports map', () => {
    const out = JSON.parse(run(process.execPath, ['main.mjs'], join(scratch, 'consumer'))) as Record<
      string,
      string
    >;
    expect(out.client).toBe('function');
    expect(out.notFound).toBe('function');
    expect(out.signature).toMatch(/^[0-9a-f]{64};sha256$/);
    expect(out.deepImport).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});
