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

  /**
   * `options.retryLater` overrides the catalog's: a refusal of a kind that is usually "retry later" but came
   * after the request already did part of its work must be remembered under its Idempotency-Key.
   */
  constructor(
    key: ErrorKey,
    errors: FieldError[] = [],
    message?: string,
    options: { retryLater?: boolean } = {},
  ) {
    const entry = ERROR_CATALOG[key];
    super(message ?? entry.message);
    this.name = 'DomainError';
    this.key = key;
    this.code = entry.code;
    this.status = entry.status;
    this.errors = errors;
    this.retryLater = options.retryLater ?? ('retryLater' in entry && entry.retryLater);
  }
}

export function validationError(property: string, message: string): DomainError {
  return new DomainError('validation', [{ property, message }]);
}
