import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/domain-error.js';
import type { AuthFailureThrottle } from './auth-failures.js';
import { bearerToken } from './bearer.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Hashing first gives equal lengths, so the comparison takes the same time whatever was sent. */
function authorized(request: FastifyRequest, token: string): boolean {
  const sent = bearerToken(request.headers.authorization);
  return timingSafeEqual(digest(sent ?? ''), digest(token)) && sent !== null;
}

/**
 * The `onRequest` hook of every operator endpoint (`/admin`, `/metrics`): the admin token, or 401, and 429 once
 * an address has failed too often (the same budget as the merchant API).
 */
export function adminGuard(token: string, failures: AuthFailureThrottle) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!authorized(request, token)) {
      throw failures.failed(
        request.ip,
        new DomainError('unauthorized', [
          { property: 'Authorization', message: 'Missing or invalid admin token.' },
        ]),
      );
    }
  };
}
