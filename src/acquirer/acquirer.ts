import type { Initiator } from '../domain/transaction.js';
import type { Secret } from '../domain/secret.js';
import type { ClearCard } from '../vault/vault.js';

/**
 * The card network behind Kartoteka. Connectors only translate: a decline is a returned value, and only an
 * integration failure (network error, malformed answer) throws. Every call carries the gateway's transaction
 * id as `reference`, which the acquirer must treat as an idempotency key: the same reference never charges
 * twice, and `lookup` can tell what happened to it after a crash.
 *
 * Every operation that moves money also carries a `deadline` (the request's expiry): the acquirer must not act
 * on a request that reaches it, or finishes processing, after that instant — it refuses (throws) instead. That
 * is what lets the gateway read "`lookup` found nothing, after the deadline" as "never charged"; before the
 * deadline, nothing found means only "not yet". A connector whose acquirer has no request expiry must
 * enforce one itself (e.g. reverse what it finds done after the deadline); see docs/architecture.md.
 */
export interface Acquirer {
  readonly name: string;
  /**
   * true: a challenge is answered on the gateway's own simulated 3-D Secure page (`/3ds/:id`), which exists only
   * for such an acquirer. A real acquirer's challenge happens upstream, at the card issuer, and the gateway
   * serves no page that could pass it.
   */
  readonly simulatedChallenge: boolean;
  /** Whether the card needs a 3-D Secure challenge for a customer-initiated first payment. */
  threeDSecure(card: ClearCard): Promise<ThreeDSecureDecision>;
  authorize(request: AuthorizeRequest): Promise<AcquirerResult>;
  capture(request: FollowUpRequest): Promise<AcquirerResult>;
  void(request: FollowUpRequest): Promise<AcquirerResult>;
  refund(request: RefundRequest): Promise<AcquirerResult>;
  /**
   * What the acquirer knows about an operation done under `reference`; undefined when it never saw it. A
   * connector that cannot tell yet (a request it sent whose outcome its processor has not settled) throws: the
   * gateway then leaves the payment pending, and never reads that as "never done", whatever the deadline.
   */
  lookup(reference: string, operation: AcquirerOperation): Promise<AcquirerResult | undefined>;
  /**
   * A processor that reports outcomes by calling back (imoje's notifications): verifies and records one
   * notification, and names the operations it settled, which the gateway then finalises through `lookup`.
   * Absent for an acquirer that answers every request itself (the sandbox).
   */
  notification?(body: Buffer, signature: string | undefined): Promise<NotificationVerdict>;
}

/** What a processor's notification came to: refused (it does not verify), or the operations it settled. */
export type NotificationVerdict =
  | { verified: false }
  | { verified: true; settled: Array<{ reference: string; operation: AcquirerOperation }> };

/**
 * Thrown (as the cause of the guard's `failure`) when a request provably never reached the processor (the
 * connection was refused or never opened): nothing was done, so the caller may answer "unavailable" at once.
 */
export class AcquirerUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AcquirerUnreachableError';
  }
}

export type ThreeDSecureDecision = 'challenge' | 'frictionless';
export type AcquirerOperation = 'authorize' | 'capture' | 'void' | 'refund';

/** How a stored card is used: the first (CIT, stored for later), a later use, or a one-off payment. */
export type StoredCredentialUse = 'first' | 'subsequent' | 'none';

export interface AuthorizeRequest {
  reference: string;
  amount: number;
  currency: string;
  card: ClearCard;
  /** Present only within the request that carried it: the CVV is never stored. */
  cvv?: Secret<string> | undefined;
  initiator: Initiator;
  storedCredential: StoredCredentialUse;
  /** For later uses: the network transaction id of the first payment. */
  quotedNetworkTxnId?: string | null | undefined;
  /** Outcome of 3-D Secure, when the payer went through it. */
  threeDSecure?: 'passed' | 'frictionless' | undefined;
  /** false for pre-authorisation: the funds are held until captured or voided. */
  capture: boolean;
  deadline?: Deadline;
}

export interface FollowUpRequest {
  reference: string;
  /**
   * A capture: the amount to take, at most the authorised amount; the rest of the hold is released (one
   * capture per authorisation). A void: the authorised amount.
   */
  amount: number;
  currency: string;
  deadline?: Deadline;
}

export interface RefundRequest {
  /** The refund's own transaction id. */
  reference: string;
  /** The sale being refunded. */
  saleReference: string;
  amount: number;
  currency: string;
  deadline?: Deadline;
}

/** Unix milliseconds after which the acquirer must not act on the request (its expiry). */
export type Deadline = number;

export interface AcquirerResult {
  outcome: 'approved' | 'declined' | 'error';
  /** imoje result code, e.g. CODE_000, CODE_05. */
  code: string;
  /** The network's transaction id (scheme reference), issued for approved payments. */
  networkTxnId?: string | undefined;
  /**
   * A decline's Mastercard Merchant Advice Code (`01`, `02`, `03`, `21`, `24`–`30`), when the network sent one;
   * it overrides the result code's class (src/domain/decline-class.ts). Connectors without it leave it out.
   */
  merchantAdvice?: string | undefined;
}
