import type { FastifyInstance } from 'fastify';
import { DomainError } from '../domain/domain-error.js';
import { noteBody } from './card-data-intake.js';

/** Far deeper than any imoje payload (the sale body nests 3 levels), far shallower than the stack. */
export const MAX_JSON_DEPTH = 32;

/** How deeply a parsed JSON value nests, counted without recursion (a 64 KiB body can nest 30 000 levels). */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Where a parsed JSON value holds a key that would reach an object's prototype — `__proto__`, or `constructor`
 * holding `prototype` (what Fastify's parser refuses, secure-json-parse's rule) — as an imoje property path
 * (`customer.__proto__`), or null. Iterative, like the depth check.
 */
export function forbiddenKeyPath(value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const at = (key: string) => (path ? `${path}.${key}` : key);
    if (Object.prototype.hasOwnProperty.call(v, '__proto__')) return at('__proto__');
    const ctor = Object.prototype.hasOwnProperty.call(v, 'constructor')
      ? (v as Record<string, unknown>).constructor
      : undefined;
    if (
      ctor !== null &&
      typeof ctor === 'object' &&
      Object.prototype.hasOwnProperty.call(ctor, 'prototype')
    ) {
      return at('constructor.prototype');
    }
    for (const [key, child] of Object.entries(v as Record<string, unknown>)) stack.push([child, at(key)]);
  }
  return null;
}

/** Fastify's parser failed on `text`: well-formed JSON it refused for a prototype key, or really malformed. */
function refusal(text: string, parserMessage: string): DomainError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return new DomainError('malformedJson', [{ property: 'body', message: parserMessage }]);
  }
  const path = forbiddenKeyPath(parsed);
  if (path === null) return new DomainError('malformedJson', [{ property: 'body', message: parserMessage }]);
  const key = path.endsWith('constructor.prototype') ? '"constructor" holding "prototype"' : '"__proto__"';
  // Well-formed, so "not valid JSON" would mislead: say what is wrong. Same code and status (imoje-api.md §2).
  return new DomainError(
    'malformedJson',
    [{ property: path, message: `${key} is not allowed: it could change object prototypes.` }],
    `Request body contains a forbidden key: ${key}.`,
  );
}

/**
 * JSON the way imoje clients send it, with or without media-type parameters: an empty body (with or without Content-Type) is "no body", `[]` is
 * accepted where a body is optional (capture/void), and prototype-poisoning keys are refused, not obeyed (a 422
 * saying which key). Malformed JSON is a 422 with the error envelope, like any other invalid input, and so is JSON nested deeper
 * than MAX_JSON_DEPTH. Form bodies are parsed for the browser pages only; the merchant API answers them with 415.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  // Media-type parameters are accepted (`; charset=utf-8` from .NET, Java and others); JSON is UTF-8 (RFC 8259),
  // so the body is decoded as UTF-8 whatever charset is named. Fastify tests this against the normalised header.
  app.addContentTypeParser(
    /^application\/([a-z.+-]+\+)?json(\s*;.*)?$/i,
    { parseAs: 'string' },
    (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return done(null, undefined);
      parseJson(request, text, (err, value) => {
        if (err) return done(refusal(text, err.message), undefined);
        // Recursive code downstream (idempotency hashing, storage) would overflow the stack on absurd nesting.
        if (jsonDepthExceeds(value, MAX_JSON_DEPTH)) {
          return done(
            new DomainError('validation', [
              { property: 'body', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels.` },
            ]),
            undefined,
          );
        }
        // A card number outside `card.number` is masked (or refuses the request) before the handler runs.
        noteBody(request, text, 'card.number');
        done(null, value);
      });
    },
  );
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (request, body, done) => {
      // Forms are for the browser pages (3-D Secure, widget); the merchant API speaks JSON only.
      if (request.routeOptions.url?.startsWith('/v1/'))
        return done(new DomainError('unsupportedMediaType'), undefined);
      const text = typeof body === 'string' ? body : body.toString('utf8');
      const fields = Object.fromEntries(new URLSearchParams(text));
      // The card form's `number` is the one field a card number belongs in.
      noteBody(request, Object.values(fields).join('\n'), 'number');
      done(null, fields);
    },
  );
}
