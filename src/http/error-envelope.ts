import { ERROR_CATALOG, type ErrorKey } from '../domain/error-catalog.js';
import { DomainError, type FieldError } from '../domain/domain-error.js';
import { maskPan } from '../domain/card.js';

export interface ApiErrorResponse {
  apiErrorResponse: { code: string; message: string; instance: unknown; errors: FieldError[] };
}

const MAX_ECHO_DEPTH = 8;

/**
 * The request payload echoed back in `instance`, with card data masked: never a full card number, never a CVV.
 * Any string that looks like a card number is masked too, wherever it sits.
 */
export function maskedInstance(body: unknown, depth = 0): unknown {
  if (depth > MAX_ECHO_DEPTH) return '…';
  if (typeof body === 'string')
    return /^[0-9 -]{12,23}$/.test(body) ? maskPan(body.replace(/[ -]/g, '')) : body;
  if (Array.isArray(body)) return body.slice(0, 50).map((v) => maskedInstance(v, depth + 1));
  if (body === null || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (/^(cvv|cvc|cvv2|securityCode)$/i.test(key)) continue;
    if (key === 'number' && (typeof value === 'string' || typeof value === 'number')) {
      out[key] = maskPan(String(value));
      continue;
    }
    out[key] = maskedInstance(value, depth + 1);
  }
  return out;
}

export function envelope(
  key: ErrorKey | DomainError,
  body: unknown,
  errors?: FieldError[],
): ApiErrorResponse {
  const err = key instanceof DomainError ? key : new DomainError(key, errors ?? []);
  return {
    apiErrorResponse: {
      code: err.code,
      message: err.message,
      instance: maskedInstance(body ?? {}),
      errors: errors ?? err.errors,
    },
  };
}

export function statusOf(key: ErrorKey): number {
  return ERROR_CATALOG[key].status;
}
