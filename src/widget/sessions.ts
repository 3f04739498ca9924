import { randomBytes } from 'node:crypto';
import type { WidgetAttributes } from './attributes.js';

/** `failed`: the payment attempt broke unexpectedly; we can't tell the payer it was not charged, so no retry. */
export type SessionState = 'open' | 'paying' | 'challenge' | 'done' | 'cancelled' | 'failed';

/** One opening of the widget: the verified attributes and what has happened since. */
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

/**
 * Widget sessions live in memory: they last minutes, hold no card data and nothing is lost that the payer
 * can't redo by reopening the widget. A deployment with several gateway processes needs sticky routing for
 * `/widget/session/*` (or a shared store behind this same interface).
 */
export class WidgetSessions {
  private readonly sessions = new Map<string, WidgetSession>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number,
    private readonly maxSessions = 10_000,
  ) {}

  create(attrs: WidgetAttributes, parentOrigin: string | null): WidgetSession {
    this.sweep();
    const now = this.now();
    const session: WidgetSession = {
      id: randomBytes(24).toString('base64url'),
      attrs,
      parentOrigin,
      state: 'open',
      transactionId: null,
      declined: null,
      expiresAt: Math.min(now + this.ttlMs, attrs.validTo ?? Infinity),
    };
    if (this.sessions.size >= this.maxSessions) {
      // Oldest first (Map keeps insertion order): a flood of openings can't grow memory without bound.
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    this.sessions.set(session.id, session);
    return session;
  }

  /** An expired session is still returned once a payment started, so its result page keeps working. */
  get(id: string): WidgetSession | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt < this.now() && s.transactionId === null) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }

  /**
   * The shop page origin of the session paying `transactionId`: its 3-D Secure page opens inside the same
   * iframe, so that page may frame it too. A linear scan: it runs once per challenge page, over a bounded map.
   */
  parentOriginOf(transactionId: string): string | null {
    for (const s of this.sessions.values()) {
      if (s.transactionId === transactionId) return s.parentOrigin;
    }
    return null;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) {
      // A session with a transaction is kept a while longer for its result page.
      if (s.expiresAt + (s.transactionId ? this.ttlMs : 0) < now) this.sessions.delete(id);
    }
  }
}
