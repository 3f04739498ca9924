import { randomBytes } from 'node:crypto';
import { hashToken } from '../domain/token-hash.js';
import type { Repos } from '../storage/storage.js';
import type { WidgetSessionExpect } from '../storage/widget-session-repo.js';
import type { PaymentsDeps } from './deps.js';

export type { WidgetSessionExpect };

/** How long an opened widget accepts a payment (capped by its signed `validTo`) and, after it, keeps its result. */
export const WIDGET_SESSION_TTL_MS = 30 * 60_000;

/**
 * One opening of the widget (or of the paywall's card form), as the widget layer defines it: the use cases
 * here store `document` as JSON without looking into it, so a field the session gains needs no schema change.
 * `state` and `transactionId` are also columns: every change is a compare-and-set on them.
 */
export interface StoredWidgetSession<D> {
  /** The bearer id in the form's URL; the database holds only its hash. */
  id: string;
  serviceId: string;
  state: string;
  transactionId: string | null;
  expiresAt: number;
  document: D;
}

/** 24 random bytes in base64url: the id names the session and is all a request needs to act on it. */
const ID = /^[A-Za-z0-9_-]{32}$/;

/**
 * A single statement is atomic by itself: on PostgreSQL it needs no BEGIN/COMMIT round trips around it; on
 * SQLite it joins the group commit, so a burst of openings shares one fsync.
 */
function write<T>(deps: PaymentsDeps, work: (repos: Repos) => Promise<T>): Promise<T> {
  return deps.storage.dialect === 'sqlite' ? deps.storage.transaction(work) : work(deps.storage.repos);
}

function parse<D>(
  id: string,
  row: {
    serviceId: string;
    state: string;
    transactionId: string | null;
    expiresAt: number;
    document: string;
  },
): StoredWidgetSession<D> {
  return {
    id,
    serviceId: row.serviceId,
    state: row.state,
    transactionId: row.transactionId,
    expiresAt: row.expiresAt,
    document: JSON.parse(row.document) as D,
  };
}

/** Stores a new session (durable before its URL is given out) and returns it with its fresh id. */
export async function openWidgetSession<D>(
  deps: PaymentsDeps,
  session: Omit<StoredWidgetSession<D>, 'id'>,
): Promise<StoredWidgetSession<D>> {
  const id = randomBytes(24).toString('base64url');
  await write(deps, (repos) =>
    repos.widgetSessions.insert(
      {
        idHash: hashToken(id),
        serviceId: session.serviceId,
        state: session.state,
        transactionId: session.transactionId,
        expiresAt: session.expiresAt,
        document: JSON.stringify(session.document),
      },
      deps.clock.now(),
    ),
  );
  return { ...session, id };
}

/** The session with this id, whichever instance opened it: one primary-key lookup (none for a malformed id). */
export async function readWidgetSession<D>(
  deps: PaymentsDeps,
  id: string,
): Promise<StoredWidgetSession<D> | undefined> {
  if (!ID.test(id)) return undefined;
  const row = await deps.storage.repos.widgetSessions.get(hashToken(id));
  return row && parse<D>(id, row);
}

/**
 * Moves the session on — new state, transaction and document — if nobody else did since it was read as
 * `expect`. False: another request (on this or another instance) changed it first; re-read it.
 */
export function changeWidgetSession<D>(
  deps: PaymentsDeps,
  session: StoredWidgetSession<D>,
  expect: WidgetSessionExpect,
): Promise<boolean> {
  return write(deps, (repos) =>
    repos.widgetSessions.replace(
      hashToken(session.id),
      expect,
      {
        state: session.state,
        transactionId: session.transactionId,
        document: JSON.stringify(session.document),
      },
      deps.clock.now(),
    ),
  );
}

/** The document of the session paying `transactionId` (for who may frame its 3-D Secure page), if any. */
export async function widgetSessionDocumentPaying<D>(
  deps: PaymentsDeps,
  transactionId: string,
): Promise<D | undefined> {
  const row = await deps.storage.repos.widgetSessions.byTransaction(transactionId);
  return row && (JSON.parse(row.document) as D);
}

/**
 * The worker's chore: deletes sessions nobody can use any more — expired without a payment, or expired more
 * than {@link WIDGET_SESSION_TTL_MS} ago (a session that paid keeps its result page that long). Safe in any
 * number of processes at once; returns how many rows went.
 */
export function purgeExpiredWidgetSessions(deps: PaymentsDeps, limit = 500): Promise<number> {
  // Outside the group commit, like the idempotency purge: a round with nothing expired writes nothing (no
  // fsync on SQLite), and a lost delete is simply redone next round.
  return deps.storage.repos.widgetSessions.deleteExpired(deps.clock.now(), WIDGET_SESSION_TTL_MS, limit);
}
