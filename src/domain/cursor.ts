import { validationError } from './domain-error.js';

/** A position in a list ordered by (time, id): the last item of the page before. */
export interface ListPosition {
  at: number;
  id: string;
}

/**
 * Opaque to clients (base64url of the position): they pass back what they got, and the order behind it may
 * change without breaking them.
 */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id]), 'utf8').toString('base64url');
}

/** The position a cursor names; anything that isn't one of ours is a 422 naming `cursor`. */
export function decodeCursor(cursor: string | undefined): ListPosition | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string' &&
      value[1].length > 0 &&
      value[1].length <= 64
    ) {
      return { at: value[0] as number, id: value[1] };
    }
  } catch {
    // fall through: not a cursor of ours
  }
  throw validationError('cursor', 'Not a cursor this API returned.');
}

/** Page sizes of the list endpoints. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
