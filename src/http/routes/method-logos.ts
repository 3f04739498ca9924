import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DomainError } from '../../domain/domain-error.js';

/** A card outline with a label: small, self-contained, no scripts or external references. */
function cardLogo(label: string, accent: string): string {
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="40" viewBox="0 0 64 40">' +
    `<rect x="1" y="1" width="62" height="38" rx="5" fill="#ffffff" stroke="${accent}" stroke-width="2"/>` +
    `<rect x="1" y="8" width="62" height="7" fill="${accent}"/>` +
    '<rect x="8" y="21" width="12" height="8" rx="1.5" fill="#d4a72c"/>' +
    `<text x="56" y="33" font-family="Arial, sans-serif" font-size="8" text-anchor="end" fill="${accent}">` +
    `${label}</text></svg>`
  );
}

const LOGOS: Record<string, string> = {
  card: cardLogo('CARD', '#1f3a93'),
  ecom3ds: cardLogo('3-D Secure', '#1f3a93'),
  oneclick: cardLogo('OneClick', '#0b7a3e'),
  recurring: cardLogo('Recurring', '#8a3ffc'),
};

/** The payment-method logos whose URLs GET /service/{id} and get-payment-methods return. */
export function methodLogoRoutes(app: FastifyInstance): void {
  app
    .withTypeProvider<TypeBoxTypeProvider>()
    .get(
      '/assets/methods/:file',
      { schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 40 }) }) } },
      async (request, reply) => {
        const name = /^([a-z0-9]+)\.svg$/.exec(request.params.file)?.[1];
        const svg = name === undefined ? undefined : LOGOS[name];
        if (svg === undefined) throw new DomainError('routeNotFound');
        return reply
          .code(200)
          .type('image/svg+xml')
          .header('cache-control', 'public, max-age=86400')
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
          .send(svg);
      },
    );
}
