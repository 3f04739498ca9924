import { ERROR_CATALOG, type ErrorKey } from '../domain/error-catalog.js';
import { DomainError, type FieldError } from '../domain/domain-error.js';
import { luhnValid, maskPan } from '../domain/card.js';
import { maskCardNumbers } from '../domain/mask-card-numbers.js';

export interface ApiErrorResponse {
  apiErrorResponse: { code: string; message: string; instance: unknown; errors: FieldError[] };
}

const MAX_ECHO_DEPTH = 8;

/**
 * The request payload echoed back in `instance`, with card data masked: never a full card number, never a CVV.
 * Any string that looks like a card number is masked too, wherever it sits: a whole value, part of a value, a
 * key, or a JSON number.
 */
export function maskedInstance(body: unknown, depth = 0): unknown {
  if (depth > MAX_ECHO_DEPTH) return '…';
  if (typeof body === 'string')
    return /^[0-9 -]{12,23}$/.test(body) ? maskPan(body.replace(/[ -]/g, '')) : maskCardNumbers(body);
  if (typeof body === 'number') {
    const digits = Number.isSafeInteger(body) ? String(body) : '';
    return /^[0-9]{12,19}$/.test(digits) && luhnValid(digits) ? maskPan(digits) : body;
  }
  if (Array.isArray(body)) return body.slice(0, 50).map((v) => maskedInstance(v, depth + 1));
  if (body === null || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (/^(cvv|cvc|cvv2|securityCode)$/i.test(key)) continue;
    if (key === 'number' && (typeof value === 'string' || typeof value === 'number')) {
      out[key] = maskPan(String(value));
      continue;
    }
    out[maskCardNumbers(key)] = maskedInstance(value, depth + 1);
  }
  return out;
}

export function envelope(
  key: ErrorKey | DomainError,
  body: unknown,
  errors?: FieldError[],
): ApiErrorResponse {
  const err = key instanceof DomainError ? key : new DomainError(key, errors ?? []);
  // Messages may quote what was sent (`Payment method "…" is not supported`, a header, a path): masked too.
  return {
    apiErrorResponse: {
      code: err.code,
      message: maskCardNumbers(err.message),
      instance: maskedInstance(body ?? {}),
      errors: (errors ?? err.errors).map((e) => ({
        property: maskCardNumbers(e.property),
        message: maskCardNumbers(e.message),
      })),
    },
  };
}

export function statusOf(key: ErrorKey): number {
  return ERROR_CATALOG[key].status;
}
