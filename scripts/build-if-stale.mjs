#!/usr/bin/env node
// `npm start`'s prestart: run the build only when something it reads changed since the last build started.
// tsc's own incremental mode emits nothing when nothing changed, but still parses all ~850 files (~3 s on
// a busy two-core machine) on every start. Plain JavaScript: a production install has no tsx.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.start-stamp');

function newestMtime(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs; // a deleted or renamed file changes its directory's mtime
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((p) => join(root, p));
const fresh =
  existsSync(stamp) &&
  existsSync(join(root, 'dist', 'cli', 'main.js')) &&
  statSync(stamp).mtimeMs >= Math.max(...inputs.map(newestMtime));
if (!fresh) {
  // Stamped with the time the build started: a file saved while tsc runs is newer, so the next start rebuilds.
  const started = new Date();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stamp, '');
  utimesSync(stamp, started, started);
}
