import type { FastifyInstance } from 'fastify';
import { DomainError } from '../domain/domain-error.js';

/**
 * JSON the way imoje clients send it: an empty body (with or without Content-Type) is "no body", `[]` is
 * accepted where a body is optional (capture/void), and prototype-poisoning keys are refused, not obeyed.
 * Malformed JSON is a 422 with the error envelope, like any other invalid input. Form bodies are parsed for the
 * browser pages only; the merchant API answers them with 415.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(
    /^application\/([a-z.+-]+\+)?json$/i,
    { parseAs: 'string' },
    (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return done(null, undefined);
      parseJson(request, text, (err, value) => {
        if (err)
          return done(
            new DomainError('malformedJson', [{ property: 'body', message: err.message }]),
            undefined,
          );
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
      done(null, Object.fromEntries(new URLSearchParams(text)));
    },
  );
}
