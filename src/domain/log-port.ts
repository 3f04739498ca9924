/**
 * The logging port: the structured logger the inner layers log through. pino satisfies it (src/logger.ts builds
 * that pino instance for the composition root), and tests can pass their own.
 */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
