import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    globalSetup: ['./tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: run two files at a time; each test file gets its own server and database.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['./tests/support/summary-reporter.ts', 'default'],
  },
});
