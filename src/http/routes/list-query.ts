import { MAX_PAGE_SIZE } from '../../domain/cursor.js';
import { validationError } from '../../domain/domain-error.js';

/** `limit` from a query string (digits, checked by the schema): 1…MAX_PAGE_SIZE. */
export function pageLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (n < 1 || n > MAX_PAGE_SIZE) throw validationError('limit', `Must be 1 to ${MAX_PAGE_SIZE}.`);
  return n;
}

/** An ISO 8601 time from a query string (format checked by the schema) as Unix ms. */
export function timeBound(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw validationError(name, 'Must be an ISO 8601 date-time.');
  return ms;
}
