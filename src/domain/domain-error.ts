import { ERROR_CATALOG, type ErrorKey } from './error-catalog.js';

/** One field-level problem, in imoje's `errors[]` shape. */
export interface FieldError {
  property: string;
  message: string;
}

/**
 * The single error type the gateway raises for anything a client did wrong or that a business rule forbids.
 * The HTTP layer maps it to `apiErrorResponse`; nothing else needs to know about status codes.
 */
export class DomainError extends Error {
  readonly key: ErrorKey;
  readonly code: string;
  readonly status: number;
  readonly errors: FieldError[];
  /** Something was in progress; the same request may succeed shortly (see ERROR_CATALOG). */
  readonly retryLater: boolean;

  constructor(key: ErrorKey, errors: FieldError[] = [], message?: string) {
    const entry = ERROR_CATALOG[key];
    super(message ?? entry.message);
    this.name = 'DomainError';
    this.key = key;
    this.code = entry.code;
    this.status = entry.status;
    this.errors = errors;
    this.retryLater = 'retryLater' in entry && entry.retryLater;
  }
}

export function validationError(property: string, message: string): DomainError {
  return new DomainError('validation', [{ property, message }]);
}
