import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: string;
  contentType: string;
  etag: string;
}

/**
 * The browser files live in src/widget/assets (plain JS and CSS, no bundler). `tsc` does not copy them, so a
 * build in dist/ reads them from the sources it was built from.
 */
function assetsDir(): string {
  for (const rel of ['./assets/', '../../src/widget/assets/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir + 'widget.js')) return dir;
  }
  throw new Error('widget assets not found (src/widget/assets)');
}

/**
 * A deliberately tiny minifier: drops whole-line comments, indentation and blank lines. It never looks inside a
 * line, so strings and URLs containing `//` survive; the sources keep one statement per line for that reason.
 */
export function minifyJs(source: string): string {
  const out: string[] = [];
  let inBlock = false;
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    if (inBlock) {
      if (line.endsWith('*/')) inBlock = false;
      continue;
    }
    if (line.startsWith('/*')) {
      if (!line.endsWith('*/')) inBlock = true;
      continue;
    }
    if (line === '' || line.startsWith('//')) continue;
    out.push(line);
  }
  return out.join('\n') + '\n';
}

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

function asset(dir: string, file: string, minify: boolean): Asset {
  const source = readFileSync(dir + file, 'utf8');
  const body = minify && file.endsWith('.js') ? minifyJs(source) : source;
  const ext = file.slice(file.lastIndexOf('.') + 1);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { body, contentType: TYPES[ext] ?? 'application/octet-stream', etag };
}

/** Loaded once at start: the files are small and never change while the gateway runs. */
export function loadAssets(): { widget: Asset; files: Map<string, Asset> } {
  const dir = assetsDir();
  const files = new Map<string, Asset>();
  for (const name of ['form.js', 'form.css', 'demo.js', 'demo.css']) {
    files.set(name, asset(dir, name, true));
  }
  return { widget: asset(dir, 'widget.js', true), files };
}
