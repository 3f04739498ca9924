import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'kartoteka_dashboard';
/** Before sign-in there is no session: the sign-in form's CSRF token is a cookie the form repeats. */
export const SIGN_IN_COOKIE = 'kartoteka_sign_in';

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A malformed value is no cookie of ours.
      return undefined;
    }
  }
  return undefined;
}

/** HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure over https. */
export function setCookie(
  reply: FastifyReply,
  name: string,
  value: string,
  maxAgeSeconds: number,
  secure: boolean,
): void {
  const attrs = [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/dashboard',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ];
  // Fastify appends a set-cookie header to the ones already set (it never overwrites it), so pass only the new
  // cookie: re-sending the earlier ones too would repeat each of them in the answer.
  reply.header('set-cookie', attrs.join('; '));
}

/**
 * The second CSRF check, beside the token: a POST must come from the dashboard's own origin. A browser says
 * where a form was sent from (`Origin`, `Sec-Fetch-Site`); one that says another site is refused. A client
 * that sends neither (curl) still needs the session's token.
 */
export function sameOrigin(request: FastifyRequest, publicUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const own = new Set([new URL(publicUrl).origin, `${request.protocol}://${request.host}`]);
  return own.has(origin);
}

/** The fields of a submitted form (the app parses urlencoded bodies into an object of strings). */
export function formFields(request: FastifyRequest): Record<string, string> {
  const body = request.body;
  if (body === null || typeof body !== 'object') return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
}
