import type { FastifyInstance, FastifyRequest } from 'fastify';
import { maskPan } from '../domain/card.js';
import { DomainError } from '../domain/domain-error.js';
import { cardNumberIn, maskWrittenCardNumbers, mayHoldCardNumber } from '../domain/mask-card-numbers.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route takes a form the shop signed (the widget's attributes, the paywall's fields): nothing in it may
     * be rewritten, or the signature no longer holds, so the route's own checks refuse a card number in it
     * (`parseAttributes`) instead.
     */
    signedForm?: boolean;
  }
}

/**
 * Fields the shop chooses as identifiers or addresses: rewriting one would break what the shop matches or
 * calls, so a card number in one refuses the request instead of being masked.
 */
const IDENTIFIER = /(^|\.)(orderId|cid|customerId|id|[A-Za-z]*Id|[A-Za-z]*Url|url[A-Za-z]*)$/;

/**
 * A network transaction id (`card.firstTransactionId` of a `STANDARD` payment) is a run of digits by design,
 * checked against the merchant's own first payments: never a card number typed by mistake.
 */
const NOT_SCREENED = /(^|\.)firstTransactionId$/;

/** Where a card number belongs: the API's `card.number`, the card form's `number`. */
export type CardField = 'card.number' | 'number';

function refused(path: string): DomainError {
  return new DomainError('validation', [
    {
      property: path,
      message: 'Looks like a card number. A card number is accepted only in the card number field.',
    },
  ]);
}

/**
 * What the gateway keeps of a request's values, before anything stores, echoes or logs them: a card number in
 * any field but the card's own is masked (`****1234`) — in free text such as a title, a name or
 * `additionalData`, in keys too — or, in an identifier or an address, refuses the request. Both find a number
 * written as a card's (`cardNumberIn`), so a timestamp or a date-shaped value stays as sent. A whole number too
 * long for a double has lost its digits; it cannot be checked and is masked as well.
 */
export function screenCardData(value: unknown, cardField: CardField, path = ''): unknown {
  if (typeof value === 'string') {
    if (path === cardField || NOT_SCREENED.test(path)) return value;
    if (IDENTIFIER.test(path)) {
      if (cardNumberIn(value)) throw refused(path);
      return value;
    }
    return maskWrittenCardNumbers(value);
  }
  if (typeof value === 'number') {
    if (path === cardField || NOT_SCREENED.test(path) || !Number.isInteger(value) || Math.abs(value) < 1e12)
      return value;
    if (!Number.isSafeInteger(value)) return '****';
    const digits = String(Math.abs(value));
    if (!cardNumberIn(digits)) return value;
    if (IDENTIFIER.test(path)) throw refused(path);
    return maskPan(digits);
  }
  if (Array.isArray(value)) return value.map((v) => screenCardData(v, cardField, path));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    // Defined, not assigned: a key named `__proto__` (a query string may carry one) stays a plain key.
    Object.defineProperty(out, maskWrittenCardNumbers(key), {
      value: screenCardData(v, cardField, path ? `${path}.${key}` : key),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Requests whose body's raw text may hold a card number, and which field of theirs is the card's own. */
const toScreen = new WeakMap<FastifyRequest, CardField>();

/**
 * Called by the body parsers with the raw text: a body that surely holds no card number (nearly every one)
 * costs this scan only; another is screened after validation (below).
 */
export function noteBody(request: FastifyRequest, raw: string, cardField: CardField): void {
  if (!request.routeOptions.config?.signedForm && mayHoldCardNumber(raw)) toScreen.set(request, cardField);
}

/**
 * Screens what the request brought — its body (flagged by {@link noteBody}), its query string, its
 * `Idempotency-Key` header — after validation and before the handler, so validation still sees what was sent
 * (and its errors echo it masked) while the handler, and so storage, answers, notifications and the request
 * log, only ever see the masked values. Path parameters are ids the routes validate; every message quoting
 * them is masked.
 */
export function registerCardDataIntake(app: FastifyInstance): void {
  // A callback hook, not an async one: every request passes here, and nearly all of them find nothing.
  app.addHook('preHandler', (request, _reply, done) => {
    try {
      screenRequest(request);
      done();
    } catch (err) {
      done(err as Error);
    }
  });
}

function screenRequest(request: FastifyRequest): void {
  const key = request.headers['idempotency-key'];
  if (typeof key === 'string' && key.length >= 13 && cardNumberIn(key)) throw refused('Idempotency-Key');
  const cardField = toScreen.get(request);
  if (cardField) request.body = screenCardData(request.body, cardField);
  if (request.routeOptions.config?.signedForm) return;
  const q = request.url.indexOf('?');
  if (q >= 0 && mayHoldCardNumber(decodeURIComponentSafe(request.url.slice(q + 1)))) {
    request.query = screenCardData(request.query, 'card.number');
  }
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
