import type { FastifyInstance } from 'fastify';

interface ObjectSchema {
  type?: unknown;
  properties?: Record<string, unknown>;
  required?: string[];
  anyOf?: unknown[];
  oneOf?: unknown[];
}

/** The object schemas a value may match: the schema itself, or the object branches of a union (`Opt`). */
function objectBranches(schema: unknown): ObjectSchema[] {
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as ObjectSchema;
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.flatMap(objectBranches);
  return s.properties ? [s] : [];
}

/**
 * The one tolerance rule for empty strings: a property that is `""` and that the schema does not require is
 * removed, at any depth, so validation and the use cases see it as absent. Real clients send `""` for what
 * they have not got (BitBag: `customer.phone`; payment-core: `notificationUrl`). A required property's `""`
 * is left alone and fails validation as before.
 */
export function dropEmptyOptionals(value: unknown, schema: unknown): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  const branches = objectBranches(schema);
  if (branches.length === 0) return;
  const data = value as Record<string, unknown>;
  for (const key of Object.keys(data)) {
    // With several object branches, a key is optional only if no branch requires it.
    const required = branches.some((b) => b.required?.includes(key) === true);
    if (data[key] === '' && !required) {
      delete data[key];
      continue;
    }
    for (const b of branches) {
      const child = b.properties?.[key];
      if (child !== undefined) dropEmptyOptionals(data[key], child);
    }
  }
}

/** Applies `dropEmptyOptionals` to every route's body and query string, before schema validation. */
export function registerEmptyAsAbsent(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema;
    if (!schema) return;
    if (schema.body) dropEmptyOptionals(request.body, schema.body);
    if (schema.querystring) dropEmptyOptionals(request.query, schema.querystring);
  });
}
