import { describe, expect, it } from 'vitest';
import { loadConfig, unknownVariableWarnings } from '../../src/config/config.js';

/** Issue 18 item 6: a mistyped KARTOTEKA_* variable was silently ignored. */
describe('mistyped KARTOTEKA_* variables', () => {
  it('are warned about in one line each, naming the closest setting', () => {
    expect(
      unknownVariableWarnings({
        KARTOTEKA_PROT: '9000',
        KARTOTEKA_SANDBOX_TOKN: 'x',
        KARTOTEKA_PORT: '9000',
        HOME: '/root',
      }),
    ).toEqual([
      'unknown setting KARTOTEKA_PROT ignored; did you mean KARTOTEKA_PORT?',
      'unknown setting KARTOTEKA_SANDBOX_TOKN ignored; did you mean KARTOTEKA_SANDBOX_TOKEN?',
    ]);
  });

  it("the test suite's and tools' own variables are not", () => {
    expect(
      unknownVariableWarnings({
        KARTOTEKA_TEST_PG_URL: 'postgres://x',
        KARTOTEKA_FUZZ_RUNS: '10',
        KARTOTEKA_FUZZ_SEED: '1',
        KARTOTEKA_BENCH_PG_URL: 'postgres://x',
      }),
    ).toEqual([]);
  });

  it('loadConfig carries the warnings (the server logs them) and still loads', () => {
    const config = loadConfig({ KARTOTEKA_LOG_LEVLE: 'debug' });
    expect(config.logLevel).toBe('info');
    expect(config.warnings).toEqual([
      'unknown setting KARTOTEKA_LOG_LEVLE ignored; did you mean KARTOTEKA_LOG_LEVEL?',
    ]);
  });
});
