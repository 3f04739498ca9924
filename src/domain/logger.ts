/** The structured logger the inner layers log through; pino satisfies it, and tests can pass their own. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
