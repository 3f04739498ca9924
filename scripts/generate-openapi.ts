/**
 * Writes docs/openapi.json from the route schemas, through the same composition root `npm start` uses, so the
 * committed document is exactly what GET /openapi.json serves. tests/openapi fails when the two drift apart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/config.js';
import { createGateway } from '../src/gateway.js';

export const OPENAPI_FILE = resolve(fileURLToPath(new URL('..', import.meta.url)), 'docs/openapi.json');

/** The document as committed: pretty-printed, with a final newline. */
export function formatOpenApi(doc: unknown): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

export async function generateOpenApi(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-openapi-'));
  try {
    const config = loadConfig(
      {},
      {
        KARTOTEKA_DATA_DIR: dataDir,
        KARTOTEKA_LOG_LEVEL: 'silent',
        KARTOTEKA_BOOTSTRAP: 'off',
        KARTOTEKA_WORKER: 'off',
      },
    );
    const gateway = await createGateway(config, { quiet: true });
    try {
      await gateway.app.ready();
      return formatOpenApi(gateway.app.swagger());
    } finally {
      await gateway.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(OPENAPI_FILE, await generateOpenApi());
  console.log(`wrote ${OPENAPI_FILE}`);
}
