import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Process tests run the built CLI exactly as `npm start` does; build it once per test run. */
export default function setup(): void {
  execSync('npm run build --silent', {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: 'inherit',
  });
}
