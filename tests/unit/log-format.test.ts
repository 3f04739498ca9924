import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { chooseLogFormat, createLogger } from '../../src/logger.js';

/** Issue 18 item 6: JSON logs scrolled the sandbox credentials away in a terminal. */
describe('log format: terminal × mode × KARTOTEKA_LOG_FORMAT', () => {
  it('auto is pretty only in a terminal in sandbox mode; JSON in a pipe and always in production', () => {
    expect(chooseLogFormat('auto', true, 'sandbox')).toBe('pretty');
    expect(chooseLogFormat('auto', false, 'sandbox')).toBe('json');
    expect(chooseLogFormat('auto', true, 'production')).toBe('json');
    expect(chooseLogFormat('auto', false, 'production')).toBe('json');
  });

  it('an explicit setting wins either way', () => {
    for (const tty of [true, false]) {
      for (const mode of ['sandbox', 'production'] as const) {
        expect(chooseLogFormat('json', tty, mode)).toBe('json');
        expect(chooseLogFormat('pretty', tty, mode)).toBe('pretty');
      }
    }
  });

  it('KARTOTEKA_LOG_FORMAT is auto by default and validated', () => {
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ KARTOTEKA_LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => loadConfig({ KARTOTEKA_LOG_FORMAT: 'yaml' })).toThrow(
      'KARTOTEKA_LOG_FORMAT must be one of auto, json, pretty, got "yaml"',
    );
  });
});

describe('the log file', () => {
  it('is created readable by the gateway user alone, wherever KARTOTEKA_LOG_FILE puts it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kartoteka-log-'));
    const previous = process.umask(0o022);
    try {
      const file = join(dir, 'gateway.log');
      const logger = createLogger('info', file, undefined, false);
      logger.info('started');
      logger.flush();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
