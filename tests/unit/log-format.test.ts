import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { chooseLogFormat } from '../../src/logger.js';

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
