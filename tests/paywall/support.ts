import { mkdirSync } from 'node:fs';

export const ARTIFACTS = 'test-results/paywall';
mkdirSync(ARTIFACTS, { recursive: true });
