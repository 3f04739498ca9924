import type { PaymentsDeps } from '../payments/deps.js';
import {
  changeWidgetSession,
  openWidgetSession,
  readWidgetSession,
  widgetSessionDocumentPaying,
  WIDGET_SESSION_TTL_MS,
  type StoredWidgetSession,
} from '../payments/widget-sessions.js';
import type { WidgetAttributes } from './attributes.js';

/** `failed`: the payment attempt broke unexpectedly; we can't tell the payer it was not charged, so no retry. */
export type SessionState = 'open' | 'paying' | 'challenge' | 'done' | 'cancelled' | 'failed';

/**
 * One opening of the widget: the verified attributes and what has happened since. Stored as JSON (all but the
 * column fields, see `toStored`), so a field added here persists without a migration, if it is a JSON value
 * (no `Date`, `bigint` or `undefined` that must survive) and never card data.
 */
export interface WidgetSession {
  id: string;
  attrs: WidgetAttributes;
  /** The shop page's origin (from the browser's `Origin` header): the only target of our postMessage events. */
  parentOrigin: string | null;
  state: SessionState;
  transactionId: string | null;
  /** While `challenge`: where the payer answers it (the processor's page, or the gateway's simulated one). */
  challengeUrl?: string | undefined;
  /**
   * The challenge is on the processor's own page, outside the iframe: the payer comes back top-level, so the
   * result sends the browser on to the shop's URL as the paywall's does.
   */
  challengeOutside?: boolean | undefined;
  expiresAt: number;
  /**
   * The last payment of this opening that was declined (or failed its challenge): the payer is back in the form
   * with the reason, and the form tells the shop page once (`kartoteka:failure` with `retry: true`).
   */
  declined?: Declined | null;
}

export interface Declined {
  transactionId: string;
  statusCode: string | null;
  /** Paid with the saved card: the form opens "use another card" for the retry. */
  savedCard: boolean;
  /** The `kartoteka:failure` event, posted by the form page that shows the decline; cleared once shown. */
  event: Record<string, unknown> | null;
}

/** Everything but the columns: whatever fields the session has (or gains later) travel in its JSON document. */
type Document = Omit<WidgetSession, 'id' | 'state' | 'transactionId' | 'expiresAt'>;

function toStored(session: WidgetSession): StoredWidgetSession<Document> {
  const { id, state, transactionId, expiresAt, ...document } = session;
  return { id, serviceId: session.attrs.serviceId, state, transactionId, expiresAt, document };
}

function fromStored(stored: StoredWidgetSession<Document>): WidgetSession {
  return {
    ...stored.document,
    id: stored.id,
    state: stored.state as SessionState,
    transactionId: stored.transactionId,
    expiresAt: stored.expiresAt,
  };
}

/**
 * The widget's sessions, in the database (payments/widget-sessions.ts): any instance serves any request of an
 * opening, so several gateway processes need no sticky routing. A session holds the verified attributes and
 * where its payment stands — never card data, which goes straight from the form to the payment. Each change
 * is a compare-and-set on its state, so a double click or two instances can't both start its payment; the
 * worker deletes expired rows.
 */
export class WidgetSessions {
  constructor(
    private readonly payments: PaymentsDeps,
    private readonly ttlMs: number = WIDGET_SESSION_TTL_MS,
  ) {}

  async create(attrs: WidgetAttributes, parentOrigin: string | null): Promise<WidgetSession> {
    const now = this.payments.clock.now();
    const stored = await openWidgetSession<Document>(this.payments, {
      serviceId: attrs.serviceId,
      state: 'open',
      transactionId: null,
      expiresAt: Math.min(now + this.ttlMs, attrs.validTo ?? Infinity),
      document: { attrs, parentOrigin, declined: null },
    });
    return fromStored(stored);
  }

  /** An expired session is still returned once a payment started, so its result page keeps working. */
  async get(id: string): Promise<WidgetSession | undefined> {
    const stored = await readWidgetSession<Document>(this.payments, id);
    if (!stored) return undefined;
    if (stored.expiresAt < this.payments.clock.now() && stored.transactionId === null) return undefined;
    return fromStored(stored);
  }

  /**
   * Stores the session as it is now, if it is still in the state and transaction `from` it was read in (or
   * moved to by this request's last successful change). False: another request changed it first.
   */
  save(
    session: WidgetSession,
    from: { state: SessionState; transactionId: string | null },
  ): Promise<boolean> {
    return changeWidgetSession(this.payments, toStored(session), from);
  }

  /** Applies `change` to the session and stores it by compare-and-set on the state it had (see `save`). */
  async update(session: WidgetSession, change: (s: WidgetSession) => void): Promise<boolean> {
    const from = { state: session.state, transactionId: session.transactionId };
    change(session);
    return this.save(session, from);
  }

  /**
   * The shop page origin of the session paying `transactionId`: its 3-D Secure page opens inside the same
   * iframe, so that page may frame it too. One indexed lookup, once per challenge page.
   */
  async parentOriginOf(transactionId: string): Promise<string | null> {
    const document = await widgetSessionDocumentPaying<Document>(this.payments, transactionId);
    return document?.parentOrigin ?? null;
  }
}
