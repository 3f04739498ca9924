import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hashToken } from '../domain/token-hash.js';
import type { PaymentsDeps } from './deps.js';

/** Who a dashboard session belongs to: one merchant, or an operator (every merchant). */
export interface DashboardSession {
  merchantId: string | null;
  operator: boolean;
  csrfToken: string;
  expiresAt: number;
}

/** A sign-in lasts a working day; signing out ends it at once. */
export const SESSION_TTL_MS = 12 * 3_600_000;

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const random = () => randomBytes(32).toString('base64url');

function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/**
 * Signs in with a merchant's API token, or with the operators' admin token (when one is configured). Returns the
 * cookie value (only its hash is stored) and the session, or null when the token is neither.
 */
export async function signInToDashboard(
  deps: PaymentsDeps,
  token: string,
  adminToken: string | null,
): Promise<{ cookie: string; session: DashboardSession } | null> {
  const now = deps.clock.now();
  let merchantId: string | null = null;
  let tokenHash: string | null = null;
  let operator = false;
  if (adminToken !== null && token.length > 0 && sameSecret(token, adminToken)) {
    operator = true;
    // Kept like a merchant's token hash: the session lasts only while this admin token is the configured one.
    tokenHash = hashToken(adminToken);
  } else if (token.length > 0) {
    tokenHash = hashToken(token);
    const owner = await deps.storage.repos.merchants.findTokenByHash(tokenHash);
    if (!owner) return null;
    merchantId = owner.merchantId;
  } else {
    return null;
  }
  const cookie = random();
  const session: DashboardSession = {
    merchantId,
    operator,
    csrfToken: random(),
    expiresAt: now + SESSION_TTL_MS,
  };
  const repo = deps.storage.repos.dashboardSessions;
  await repo.purgeExpired(now);
  await repo.create({
    idHash: sha256(cookie),
    merchantId,
    operator: operator ? 1 : 0,
    tokenHash,
    csrfToken: session.csrfToken,
    createdAt: now,
    expiresAt: session.expiresAt,
  });
  return { cookie, session };
}

/**
 * The session a cookie names, if it is still valid: not expired, and its token still good — a merchant's API
 * token not revoked (the repository checks), an operator's admin token still the configured one. Rotating
 * KARTOTEKA_ADMIN_TOKEN (or unsetting it) ends the operator sessions opened with the old one.
 */
export async function dashboardSession(
  deps: PaymentsDeps,
  cookie: string,
  adminToken: string | null,
): Promise<DashboardSession | undefined> {
  const row = await deps.storage.repos.dashboardSessions.find(sha256(cookie), deps.clock.now());
  if (!row) return undefined;
  if (
    row.operator === 1 &&
    (adminToken === null || row.tokenHash === null || !sameSecret(row.tokenHash, hashToken(adminToken)))
  ) {
    return undefined;
  }
  return {
    merchantId: row.merchantId,
    operator: row.operator === 1,
    csrfToken: row.csrfToken,
    expiresAt: row.expiresAt,
  };
}

export async function signOutOfDashboard(deps: PaymentsDeps, cookie: string): Promise<void> {
  await deps.storage.repos.dashboardSessions.delete(sha256(cookie));
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function csrfMatches(sent: string | undefined, expected: string): boolean {
  return typeof sent === 'string' && sent.length > 0 && sameSecret(sent, expected);
}
