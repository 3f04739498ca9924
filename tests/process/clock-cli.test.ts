import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../support/build.js';
import { freePort, runCli, spawnCli, type Spawned } from '../support/process.js';

beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

describe("kartoteka clock: the sandbox shop's test clock, against a running gateway", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kartoteka-clock-cli-'));
  let env: Record<string, string>;
  let server: Spawned;
  beforeAll(async () => {
    env = {
      KARTOTEKA_DATA_DIR: dataDir,
      KARTOTEKA_LOG_LEVEL: 'warn',
      KARTOTEKA_PORT: String(await freePort()),
    };
    server = spawnCli(['serve'], env);
    await server.waitFor(/listening on/, 30_000);
  });
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('show without a clock fails with the catalogued code; freeze, advance 1mo, advance --to, show, delete', async () => {
    const none = await runCli(['clock', 'show'], env);
    expect(none.code).toBe(1);
    expect(none.output).toContain('CLK-ERROR-230404');

    const frozen = await runCli(['clock', 'freeze', '--at', '2027-01-31T09:00:00Z'], env);
    expect(frozen.code, frozen.output).toBe(0);
    expect(frozen.output).toContain('frozenAt: 2027-01-31T09:00:00.000Z');

    const month = await runCli(['clock', 'advance', '1mo'], env);
    expect(month.code, month.output).toBe(0);
    expect(month.output).toContain('frozenAt: 2027-02-28T09:00:00.000Z');
    expect(month.output).toMatch(/advanced from 2027-01-31T09:00:00.000Z to 2027-02-28T09:00:00.000Z/);
    expect(month.output).toMatch(/notifications/);

    const to = await runCli(['clock', 'advance', '--to', '2028-01-01', '--json'], env);
    expect(to.code, to.output).toBe(0);
    const body = JSON.parse(to.output) as { testClock: { frozenAt: string }; advance: { to: string } };
    expect(body.testClock.frozenAt).toBe('2028-01-01T00:00:00.000Z');

    const bad = await runCli(['clock', 'advance', '1m'], env);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('API-ERROR-100422');
    expect(bad.output).toContain('mo for months');
    const back = await runCli(['clock', 'advance', '--to', '2027-06-01'], env);
    expect(back.code).toBe(1);
    expect(back.output).toContain('CLK-ERROR-230422');

    const shown = await runCli(['clock', 'show'], env);
    expect(shown.output).toContain('frozenAt: 2028-01-01T00:00:00.000Z');
    const deleted = await runCli(['clock', 'delete'], env);
    expect(deleted.code).toBe(0);
    expect((await runCli(['clock', 'show'], env)).output).toContain('CLK-ERROR-230404');
  });

  it('says plainly when no gateway answers', async () => {
    const res = await runCli(['clock', 'show', '--gateway', `http://127.0.0.1:${await freePort()}`], env);
    expect(res.code).toBe(1);
    expect(res.output).toMatch(/no gateway answering at http:\/\/127\.0\.0\.1:\d+/);
  });
});
