import type { Acquirer } from '../acquirer/acquirer.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/log-port.js';
import type { Transaction } from '../domain/transaction.js';
import type { Shop } from '../storage/merchant-repo.js';
import type { ProfileWithCard } from '../storage/profile-repo.js';
import type { ScheduleAttemptRow } from '../storage/schedule-repo.js';
import type { Storage } from '../storage/storage.js';
import type { Vault } from '../vault/vault.js';

/** What the use cases need; the composition root provides the concrete parts. */
export interface PaymentsDeps {
  storage: Storage;
  vault: Vault;
  acquirer: Acquirer;
  /** The shop's time once a use case has read its shop (`atShopTime`: a test clock's frozen time), else real. */
  clock: Clock;
  /**
   * Real time, set only while `clock` is a test clock's: the acquirer lives in real time, so attempt deadlines
   * (which it honours and recovery reads) are never a test clock's.
   */
  wallClock?: Clock | undefined;
  /** How long an Idempotency-Key's answer is kept (a test-clock shop's key expires at its time + this). */
  idempotencyTtlMs?: number | undefined;
  log: Logger;
  /** Base URL of the gateway as the payer's browser sees it (for 3-D Secure pages). */
  publicUrl(): string;
  challengeTtlMs: number;
  /** How long the acquirer may act on a request after it is sent (its expiry); see `attemptEnded`. */
  acquirerExpiryMs: number;
  /** Called after a status change (and its notification row) committed, so a worker can send at once. */
  notificationQueued?(): void;
  /**
   * Where a shop without a notification URL of its own is notified: the sandbox's webhook inbox for the sandbox
   * merchant's shops, null otherwise (and always in production).
   */
  inboxUrl?(shop: { id: string; merchantId: string }): string | null;
  /** Called once a transaction reached its final (or authorised) status and it committed: metrics. */
  paymentFinalized?(t: Transaction): void;
}

/** Per-request context: the Idempotency-Key (if any) a created transaction is tied to. */
export interface RequestContext {
  idempotency?: { merchantId: string; key: string } | undefined;
  /**
   * A widget payment: the created transaction claims its signed order (service, orderId, amount, currency),
   * which is paid at most once; a held or paid order throws `OrderTakenError` and stores nothing.
   */
  oncePerOrder?: boolean | undefined;
  /**
   * A scheduled cycle's debit: its attempt row is stored with the pending transaction, together and once (an
   * attempt already recorded throws `AttemptTakenError` and stores nothing).
   */
  scheduleAttempt?: Omit<ScheduleAttemptRow, 'transactionId'> | undefined;
  /**
   * What the caller read moments ago for this debit (the schedule runner): the shop and the profile with its
   * card, used instead of reading them again. The shop's limits are still checked, and the pending row's
   * INSERT still re-checks that the profile is active with that card.
   */
  read?: { shop: Shop; profile: ProfileWithCard } | undefined;
}
