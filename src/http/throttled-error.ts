import { DomainError } from '../domain/domain-error.js';
import type { ErrorKey } from '../domain/error-catalog.js';

/** A 429 that knows when the client may try again; the error handler sends that as `Retry-After`. */
export class ThrottledError extends DomainError {
  constructor(
    key: ErrorKey,
    readonly retryAfterSeconds: number,
  ) {
    super(key);
  }
}
