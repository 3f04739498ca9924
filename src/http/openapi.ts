import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';

/** The version of the documented API contract (imoje's v1 merchant API), not of the Kartoteka package. */
export const API_VERSION = '1.0.0';

/** Kartoteka's own version, from package.json (one level above both src/ and dist/). */
export const KARTOTEKA_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const DESCRIPTION = `The imoje-compatible card API of Kartoteka: OneClick and recurring card payments.

Every merchant path starts with \`/v1/merchant/{merchantId}\`; point an imoje client at
\`http://HOST:PORT/v1/merchant\` instead of \`https://api.imoje.pl/v1/merchant\`.
Authenticate with \`Authorization: Bearer <token>\`. Success is always HTTP 200 with a JSON object; every
error is an \`apiErrorResponse\` envelope (codes in docs/errors.md). POSTs accept an \`Idempotency-Key\`.`;

/** What each status means on this API (imoje-api.md §2); fastify-swagger would say "Default Response". */
const STATUS_DESCRIPTIONS: Record<string, string> = {
  '200': 'Success: always 200 with a JSON object, never 201/204',
  '400': 'A business rule refused the request (e.g. TRX-ERROR-120301 "Payment profile inactive.")',
  '401': 'Missing or invalid bearer token, or the token of another merchant',
  '403': 'Card data sent by a shop without PCI DSS enablement',
  '404': 'Unknown transaction, profile or shop of this merchant',
  '409':
    'Idempotency-Key reused with a different payload (API-ERROR-100409) or still in flight (API-ERROR-100410)',
  '422': 'Validation failed: missing or ill-formed fields, unknown enum value, malformed JSON',
};

const IDEMPOTENCY_HEADER = {
  type: 'object',
  properties: {
    'Idempotency-Key': {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7e]+$',
      description:
        'Optional. A retried POST with the same key and payload gets the first answer (header idempotent-replayed: true).',
    },
  },
};

/**
 * Documentation-only additions (the validating route schemas are untouched): response descriptions, and the
 * Idempotency-Key header every merchant POST honours (src/http/respond.ts reads it outside the schema).
 */
function describeRoute({
  schema,
  url,
  route,
}: {
  schema: FastifySchema;
  url: string;
  route: { method: string | string[] };
}): {
  schema: FastifySchema;
  url: string;
} {
  if (!schema) return { schema, url };
  const out: FastifySchema & Record<string, unknown> = { ...schema };
  if (schema.response && typeof schema.response === 'object') {
    const response: Record<string, unknown> = {};
    for (const [status, s] of Object.entries(schema.response as Record<string, object>)) {
      const description = STATUS_DESCRIPTIONS[status];
      response[status] = description ? { ...s, description } : s;
    }
    out.response = response;
  }
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (methods.includes('POST') && url.startsWith('/v1/merchant/') && !schema.headers) {
    out.headers = IDEMPOTENCY_HEADER;
  }
  return { schema: out, url };
}

interface Operation {
  requestBody?: { required?: boolean; content?: Record<string, { schema?: { anyOf?: unknown[] } }> };
}

/**
 * @fastify/swagger marks every body schema's request body as required. A body that may be `null` may also be
 * left out (capture: the route reads a missing body as `null`), so the document says it is optional.
 */
function optionalNullableBodies(doc: object): never {
  const spec = ('openapiObject' in doc ? doc.openapiObject : doc) as {
    paths?: Record<string, Record<string, Operation>>;
  };
  for (const path of Object.values(spec.paths ?? {})) {
    for (const op of Object.values(path)) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      const nullable = schema?.anyOf?.some((s) => (s as { type?: unknown }).type === 'null') ?? false;
      if (op.requestBody && nullable) op.requestBody.required = false;
    }
  }
  // The document as it came, amended: @fastify/swagger's return type is its own document type.
  return spec as never;
}

/**
 * Registers the OpenAPI 3.1 document built from the route schemas (the one source of truth), served at
 * `/openapi.json`, and a reference page at `/docs` whose assets are served from this process (no CDN, so it
 * works offline and under a strict CSP). Must run before routes are registered: @fastify/swagger collects
 * routes through an onRoute hook and misses any added earlier.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    transform: describeRoute,
    transformObject: optionalNullableBodies,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kartoteka — imoje-compatible card API',
        version: API_VERSION,
        summary: `Kartoteka ${KARTOTEKA_VERSION}: the imoje v1 merchant API (contract version ${API_VERSION})`,
        description: DESCRIPTION,
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      // Relative first so the document served by any gateway points at that gateway; then imoje's own hosts,
      // since the same contract (and the SDK) works against them.
      servers: [
        { url: '/', description: 'This Kartoteka gateway' },
        { url: 'https://sandbox.api.imoje.pl', description: 'imoje sandbox' },
        { url: 'https://api.imoje.pl', description: 'imoje production' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: "The merchant's API token" },
        },
      },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'transactions', description: 'Card payments, registrations, refunds, capture and void' },
        { name: 'profiles', description: 'Stored card profiles (OneClick and recurring) and their debits' },
        { name: 'services', description: 'Services (shops): their payment methods and amount limits' },
        { name: 'payment links', description: 'Payment links, paid by the payer on the hosted paywall' },
        {
          name: 'kartoteka: transaction search',
          description:
            "Kartoteka's extension, not imoje's (/kartoteka/v1/merchant/{merchantId}/…, the same token): list and search transactions, a transaction's timeline",
        },
        {
          name: 'kartoteka: notifications',
          description:
            "Kartoteka's extension, not imoje's: the notifications of the merchant's shops with every delivery " +
            'attempt, under /kartoteka/v1/merchant/{merchantId}',
        },
        {
          name: 'kartoteka: webhook inbox',
          description:
            "Kartoteka's extension, sandbox mode only: the receiver the sandbox shops notify by default, and " +
            'what it received (list, read, live stream)',
        },
        {
          name: 'kartoteka: agreements',
          description:
            'Kartoteka extension (not imoje): recurring agreements declared at registration and enforced on every debit',
        },
        {
          name: 'kartoteka: schedules',
          description:
            "Kartoteka's extension (not imoje's), under /kartoteka/v1/merchant/{merchantId}: schedules that debit a recurring profile every interval, with scheme-aware retries (docs/recurring.md)",
        },
        {
          name: 'kartoteka: test clocks',
          description:
            "Kartoteka's extension (`/kartoteka/v1/merchant/{merchantId}/…`), sandbox only: a service's frozen time, advanced on request",
        },
      ],
    },
  });

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // The browser tab and the page's heading say whose reference this is (it said "Swagger UI").
    theme: { title: `Kartoteka ${KARTOTEKA_VERSION} — API reference` },
    uiConfig: { docExpansion: 'list', deepLinking: true },
  });

  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(JSON.stringify(app.swagger())),
  );
}
