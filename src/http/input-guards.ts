import type { FastifyInstance } from 'fastify';
import { validationError } from '../domain/domain-error.js';

/** Where a NUL character sits in a decoded value (a key or a string, at any depth), or null. */
export function nulPath(value: unknown, root: string): string | null {
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    for (const [key, child] of Object.entries(v as Record<string, unknown>)) {
      const at = path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) return path || 'body';
      stack.push([child, at]);
    }
  }
  return null;
}

/**
 * No request string may contain NUL (U+0000): no imoje field allows it, and PostgreSQL cannot store it in text
 * (it refused `/3ds/a%00b` with a 500). Checked once for path parameters, query and body, before validation.
 */
export function registerInputGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const where = nulPath(request.params, '') ?? nulPath(request.query, '') ?? nulPath(request.body, '');
    if (where !== null) throw validationError(where || 'body', 'Must not contain NUL characters.');
  });
}
