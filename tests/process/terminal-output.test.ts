import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { freePort, runCli, spawnCli } from '../support/process.js';

beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kartoteka-terminal-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Issue 18 item 6: what a developer sees in the terminal. */
describe('terminal output of kartoteka serve', () => {
  it('KARTOTEKA_LOG_FORMAT=pretty: one line per event, the banner last, no card number', async () => {
    const port = await freePort();
    const server = spawnCli(['serve'], {
      KARTOTEKA_DATA_DIR: join(root, 'pretty'),
      KARTOTEKA_PORT: String(port),
      KARTOTEKA_LOG_FORMAT: 'pretty',
      KARTOTEKA_PROT: '1234',
    });
    try {
      await server.waitFor(/Health: /);
      // The request URL is logged: a card number in it must come out masked, as in JSON.
      await fetch(`http://127.0.0.1:${port}/v1/merchant/x/transaction/4111111111111111`);
      await server.waitFor(/request completed/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    const out = server.output();
    // (The banner's curl command carries the test card on purpose; the log lines must not.)
    const logLines = out.split('\n').filter((l) => l.startsWith('['));
    expect(logLines.join('\n')).not.toContain('4111111111111111');
    expect(logLines.join('\n')).toContain('"url":"/v1/merchant/x/transaction/****1111"');
    const bannerStart = out.indexOf('\nKartoteka sandbox gateway listening on');
    const before = out.slice(0, bannerStart).trim().split('\n');
    // Every event is one line that starts with its ISO time, then the level; none is JSON.
    for (const line of before) expect(line).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] [A-Z]+/);
    expect(out).not.toMatch(/^\{"level"/m);
    expect(before.join('\n')).toMatch(/Server listening at http:\/\/127\.0\.0\.1:/);
    expect(before.join('\n')).toContain(
      'unknown setting KARTOTEKA_PROT ignored; did you mean KARTOTEKA_PORT?',
    );
    const after = out.slice(bannerStart).split('\n');
    const requestLines = after.filter(
      (l) => l.includes('incoming request') || l.includes('request completed'),
    );
    expect(requestLines).toHaveLength(2);
  }, 60_000);

  it('without a terminal the logs stay JSON', async () => {
    const port = await freePort();
    const server = spawnCli(['serve'], {
      KARTOTEKA_DATA_DIR: join(root, 'json'),
      KARTOTEKA_PORT: String(port),
    });
    try {
      await server.waitFor(/Health: /);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    expect(server.output()).toMatch(/^\{"level":30,.*"msg":"Server listening at/m);
  }, 60_000);

  it('a busy port says which and what to do, exit 1, no stack trace', async () => {
    const blocker: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const res = await runCli(['serve'], {
        KARTOTEKA_DATA_DIR: join(root, 'busy'),
        KARTOTEKA_PORT: String(port),
      });
      expect(res.code).toBe(1);
      expect(res.output).toContain(`kartoteka: 127.0.0.1:${port} is already in use by another process`);
      expect(res.output).toContain(`KARTOTEKA_PORT=${port + 1} npm start`);
      expect(res.output).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it("npx kartoteka --help shows Kartoteka's commands", async () => {
    const res = await runCli(['--help'], {});
    expect(res.code).toBe(0);
    expect(res.output).toContain('Usage: kartoteka [options] [command]');
    for (const command of [
      'serve',
      'merchant',
      'shop',
      'token',
      'notifications',
      'reset',
      'keys',
      'migrate',
    ]) {
      expect(res.output).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });
});
