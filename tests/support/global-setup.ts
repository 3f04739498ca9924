import { randomUUID } from 'node:crypto';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One id per `vitest run`: tests/support/build.ts builds dist/ at most once for it. */
    buildRunId: string;
  }
}

/**
 * Builds nothing: only the tests that run the built CLI need dist/, and they ask for it with ensureBuilt()
 * (tests/support/build.ts), so a run of unit tests does not pay for compiling the whole project.
 */
export default function setup(project: TestProject): void {
  project.provide('buildRunId', randomUUID());
}
