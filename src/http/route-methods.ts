import FindMyWay from 'find-my-way';
import type { FastifyInstance } from 'fastify';

/** The router options Fastify is built with; the method index below matches paths with the same ones. */
export const ROUTER_OPTIONS = { ignoreTrailingSlash: true, maxParamLength: 200 } as const;

type Method = FindMyWay.HTTPMethod;

/** The order an `Allow` header lists methods in. */
const ORDER: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

const rank = (m: string): number => {
  const i = ORDER.indexOf(m);
  return i < 0 ? ORDER.length : i;
};

export interface RouteMethods {
  /** The methods some route answers on this path (no query string), in `Allow` order; `[]`: no route has it. */
  allowed(path: string): string[];
}

/**
 * Fastify answers a known path asked with the wrong method as if the path did not exist (404). To answer 405
 * with an `Allow` header instead, every route is recorded, as it is added, in a second find-my-way router (the
 * one Fastify itself routes with, with the same options), and the not-found handler asks it which methods the
 * path has. Must be called before any route is added: an `onRoute` hook sees only the routes added after it.
 */
export function recordRouteMethods(app: FastifyInstance): RouteMethods {
  const router = FindMyWay(ROUTER_OPTIONS);
  const methods = new Set<Method>();
  const noop = (): void => {};
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat() as Method[]) {
      // Fastify has already refused a real duplicate; its own HEAD twin of a GET may meet an explicit one.
      if (router.findRoute(method, route.url) !== null) continue;
      router.on(method, route.url, noop);
      methods.add(method);
    }
  });
  return {
    allowed(path) {
      const found: string[] = [];
      for (const method of methods) if (router.find(method, path) !== null) found.push(method);
      return found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    },
  };
}
