import type { AcquirerResult } from '../acquirer/acquirer.js';
import { newId } from '../domain/ids.js';
import { decideRegistration, type PaymentProfile } from '../domain/profile.js';
import {
  canTransition,
  type Transaction,
  type TransactionStage,
  type TransactionStatus,
} from '../domain/transaction.js';
import { notificationRow } from '../notifications/outbox.js';
import type { PaymentResult } from '../domain/payment-result.js';
import type { Repos } from '../storage/storage.js';
import type { TransactionEventRow } from '../storage/event-repo.js';
import type { FinishPatch } from '../storage/transaction-repo.js';
import type { PaymentsDeps } from './deps.js';
import type { SealedCard } from '../vault/sealed-card.js';
import type { PaymentContext } from './payment-context.js';
import type { Shop } from './shops.js';
import { recordRetryState, retryStateMayChange } from './reattempt-state.js';
import { shopNow } from './shop-time.js';
import { settleOrder } from './widget-order.js';
import { currentResult } from './payment-result.js';

export interface Outcome {
  status: TransactionStatus;
  statusCode: string;
  networkTxnId?: string | undefined;
  /** A decline's Mastercard Merchant Advice Code, when the acquirer passed one (src/domain/decline-class.ts). */
  merchantAdvice?: string | undefined;
}

/** Maps what the acquirer answered to the imoje status; pre-authorised approvals stop at `authorized`. */
export function outcomeOf(result: AcquirerResult, captured: boolean): Outcome {
  if (result.outcome === 'approved') {
    return {
      status: captured ? 'settled' : 'authorized',
      statusCode: result.code,
      networkTxnId: result.networkTxnId,
    };
  }
  const outcome: Outcome = {
    status: result.outcome === 'declined' ? 'rejected' : 'error',
    statusCode: result.code,
  };
  if (result.merchantAdvice) outcome.merchantAdvice = result.merchantAdvice;
  return outcome;
}

export class StageChangedError extends Error {
  constructor(readonly transactionId: string) {
    super(`transaction ${transactionId} left its stage concurrently`);
  }
}

export interface FinalizeOptions {
  transaction: Transaction;
  outcome: Outcome;
  /** The stage the transaction must still be in (compare-and-set). */
  expectedStage: TransactionStage;
  /** What the request loaded; a registration's card as sealed spares reading it back. */
  context?: PaymentContext | undefined;
}

/**
 * Applies a payment's outcome in one database transaction: the status change, the profile a successful
 * registration creates (or refreshes), and the notification row. Compare-and-set on the stage, so two
 * finalisers of one transaction (a request and the recovery chore) cannot both win.
 */
export async function finalize(deps: PaymentsDeps, o: FinalizeOptions): Promise<PaymentResult> {
  const { transaction: t, outcome, expectedStage, context } = o;
  if (!canTransition(t.status, outcome.status)) {
    // A programming error, not a client's: statuses only move forward and a final one never changes.
    throw new Error(`transaction ${t.id}: ${t.status} → ${outcome.status} is not a forward transition`);
  }
  const result =
    (await finishInOneStatement(deps, o)) ??
    (await deps.storage.transaction(async (repos): Promise<PaymentResult & { notified: boolean }> => {
      const shop = context?.shop ?? (await repos.merchants.getShopById(t.serviceId));
      // The shop's time: a chore finishing a test-clock shop's payment writes that shop's (frozen) time.
      const now = shopNow(deps, shop);
      const paid = outcome.status === 'settled' || outcome.status === 'authorized';
      let profile: PaymentProfile | undefined;
      let registration: Registration | undefined;
      // A registration creates its profile once, when first paid; a later capture must not re-register it.
      if (paid && t.registers && t.cardId && !t.profileId) {
        registration = await planRegistration(repos, t, outcome.networkTxnId ?? '', now, deps, context?.card);
        profile = registration?.profile;
      } else if (t.profileId) {
        profile = context?.profile ?? (await repos.profiles.getProfile(t.merchantId, t.profileId));
      }
      const updated = finished(t, outcome, profile?.id ?? t.profileId, now);
      // The status change, its timeline event and its notification: one statement on PostgreSQL, as below.
      // It is the first write, and the compare-and-set on the stage: a concurrent finaliser of the same payment
      // (the recovery chore beside a stalled request) loses the stage before it has written anything — it waits
      // here on PostgreSQL's row lock, or, for a registration, already on the cid's lock in planRegistration.
      const notified = await recordOutcome(deps, repos, { updated, profile, shop, expectedStage, now });
      await registration?.write(repos);
      // A paid recurring registration (or FIRST) makes its declared agreement binding on the debits quoting it.
      if (paid && declaresAgreements(t) && updated.networkTxnId && context?.declaredAgreement !== false) {
        await repos.agreements.activate(t.id, {
          networkTxnId: updated.networkTxnId,
          profileId: updated.profileId,
          now,
        });
      }
      await recordRetryState(repos, updated, outcome, context?.retry, now);
      // Only the widget's payments claim an order; the API's never pay this extra statement.
      if (t.source === 'web') await settleOrder(repos, updated, now);
      return {
        transaction: updated,
        profile,
        shopNotificationUrl: shop?.notificationUrl ?? null,
        notified,
      };
    }));
  // Wake the worker only when a notification was queued: a poke runs a whole round of every background task,
  // which under load was a round of polling statements per payment.
  if (result.notified) deps.notificationQueued?.();
  deps.paymentFinalized?.(result.transaction);
  const { notified: _notified, ...answer } = result;
  return answer;
}

/**
 * {@link finalize} for a request holding the acquirer's answer, when another finaliser may have recorded the
 * outcome first — the recovery chore beside a request slower than its grace period, an upstream notification
 * arriving before the acquirer's HTTP answer, a replay resuming the transaction. What that one stored (from the
 * same acquirer record) is the answer: a lost compare-and-set is not a 500, which for a refund made invited a
 * shop to refund again.
 */
export async function finalizeOrStored(deps: PaymentsDeps, o: FinalizeOptions): Promise<PaymentResult> {
  try {
    return await finalize(deps, o);
  } catch (err) {
    if (!(err instanceof StageChangedError)) throw err;
    const stored = await deps.storage.repos.transactions.getTransactionById(o.transaction.id);
    if (!stored) throw err;
    return currentResult(deps, stored);
  }
}

function finished(t: Transaction, outcome: Outcome, profileId: string | null, now: number): Transaction {
  return {
    ...t,
    status: outcome.status,
    stage: 'done',
    statusCode: outcome.statusCode,
    networkTxnId: outcome.networkTxnId ?? t.networkTxnId,
    profileId,
    modifiedAt: now,
    challengeExpiresAt: null,
  };
}

function finishPatch(updated: Transaction): FinishPatch {
  return {
    status: updated.status,
    stage: 'done',
    statusCode: updated.statusCode,
    networkTxnId: updated.networkTxnId,
    profileId: updated.profileId,
    modifiedAt: updated.modifiedAt,
    challengeExpiresAt: null,
  };
}

/** The timeline's record of the change and of the acquirer's answer to the stage's operation. */
function statusEvent(
  updated: Transaction,
  expectedStage: TransactionStage,
  now: number,
): TransactionEventRow {
  return {
    id: newId(),
    transactionId: updated.id,
    at: now,
    kind: 'status',
    status: updated.status,
    code: updated.statusCode,
    detail: expectedStage,
  };
}

/**
 * The common finalisation — a profile debit or a plain card payment from the API, whose shop and profile the
 * request already holds, creating no profile, activating no agreement, changing no card retry state and
 * settling no widget order — is one write: the status change, its timeline event and its notification row, in
 * one statement (`finishAndEnqueue`) with no BEGIN/COMMIT round trips on PostgreSQL (`storage.atomically`).
 * Returns undefined for every other case, which takes the transaction in {@link finalize}; both write the
 * same rows.
 */
async function finishInOneStatement(
  deps: PaymentsDeps,
  o: FinalizeOptions,
): Promise<(PaymentResult & { notified: boolean }) | undefined> {
  const { transaction: t, outcome, expectedStage, context } = o;
  const paid = outcome.status === 'settled' || outcome.status === 'authorized';
  const registers = paid && t.registers && t.cardId && !t.profileId;
  const shop = context?.shop;
  const profile = t.profileId ? context?.profile : undefined;
  if (registers || t.source === 'web' || !shop || (t.profileId && !profile)) return undefined;
  if (paid && declaresAgreements(t)) return undefined;
  if (retryStateMayChange(t, outcome, context?.retry)) return undefined;
  const now = shopNow(deps, shop);
  const updated = finished(t, outcome, t.profileId, now);
  const notified = await deps.storage.atomically((repos) =>
    recordOutcome(deps, repos, { updated, profile, shop, expectedStage, now }),
  );
  return { transaction: updated, profile, shopNotificationUrl: shop.notificationUrl, notified };
}

/**
 * The status change (compare-and-set on the stage), its timeline event and, when a URL is set, its
 * notification: one statement on PostgreSQL. Throws StageChangedError, having written nothing, when the stage
 * moved; returns whether a notification was queued.
 */
async function recordOutcome(
  deps: PaymentsDeps,
  repos: Repos,
  o: {
    updated: Transaction;
    profile: PaymentProfile | undefined;
    shop: Shop | undefined;
    expectedStage: TransactionStage;
    now: number;
  },
): Promise<boolean> {
  const { updated, profile, shop, expectedStage, now } = o;
  const notification = shop
    ? notificationRow(updated, profile, shop, now, deps.inboxUrl?.(shop) ?? null)
    : null;
  const changed = await repos.transactions.finishAndEnqueue(
    updated.id,
    finishPatch(updated),
    expectedStage,
    notification,
    statusEvent(updated, expectedStage, now),
  );
  if (!changed) throw new StageChangedError(updated.id);
  return notification !== null;
}

/** A customer-initiated first payment of a recurring card: the only kind that may declare an agreement. */
export function declaresAgreements(t: Transaction): boolean {
  return (
    t.paymentMethodCode === 'recurring' &&
    t.initiator === 'CIT' &&
    (t.registers === 'RECURRING' || t.profileVariant === 'FIRST')
  );
}

/** The profile a paid registration creates or refreshes, and the write that does it. */
interface Registration {
  /** As the rows hold it once written (a profile shows its card's display data). */
  profile: PaymentProfile;
  write(repos: Repos): Promise<void>;
}

/**
 * Decides what a paid registration does to its cid's profiles — create one, refresh the one on the same card,
 * or nothing (the cid was bound to another card meanwhile) — and builds the profile as it will be stored, so
 * that the status change can name it before anything is written.
 */
async function planRegistration(
  repos: Repos,
  t: Transaction,
  networkTxnId: string,
  now: number,
  deps: PaymentsDeps,
  sealed: SealedCard | undefined,
): Promise<Registration | undefined> {
  const card =
    sealed && sealed.id === t.cardId ? sealed : t.cardId ? await repos.cards.getCard(t.cardId) : undefined;
  const cid = t.customer?.cid;
  const type = t.registers;
  if (!card || !cid || !type) return undefined;
  // Locked until this transaction ends: the profile planned here is the one stored (a deactivation of the
  // profile about to be refreshed waits, rather than leaving an answer that says active over a row that isn't).
  const existing = await repos.profiles.listByCidForUpdate(t.merchantId, cid);
  const decision = decideRegistration(existing, card.fingerprint, type);
  const holder = {
    firstName: t.customer?.firstName ?? card.firstName,
    lastName: t.customer?.lastName ?? card.lastName,
    email: t.customer?.email ?? '',
  };
  if (decision.kind === 'conflict') {
    // Checked before charging; reaching this means a concurrent registration bound the cid first.
    deps.log.warn({ transactionId: t.id }, 'registration paid but cid was bound to another card meanwhile');
    return undefined;
  }
  const onCard = {
    cardId: card.id,
    maskedNumber: `****${card.last4}`,
    month: card.month,
    year: card.year,
    organization: card.brand,
    ...holder,
    firstTransactionId: networkTxnId,
    modifiedAt: now,
  };
  if (decision.kind === 'refresh') {
    const id = decision.profile.id;
    return {
      profile: { ...decision.profile, ...onCard },
      write: (r) =>
        r.profiles.refresh(id, {
          cardId: card.id,
          ...holder,
          firstTransactionId: networkTxnId,
          modifiedAt: now,
        }),
    };
  }
  const profile: PaymentProfile = {
    id: newId(),
    merchantId: t.merchantId,
    serviceId: t.serviceId,
    cid,
    type,
    isActive: true,
    fingerprint: card.fingerprint,
    createdAt: now,
    ...onCard,
  };
  return {
    profile,
    write: (r) =>
      r.profiles.insertProfile({
        id: profile.id,
        merchantId: profile.merchantId,
        serviceId: profile.serviceId,
        cid,
        type,
        isActive: 1,
        cardId: card.id,
        fingerprint: card.fingerprint,
        ...holder,
        firstTransactionId: networkTxnId,
        createdAt: now,
        modifiedAt: now,
      }),
  };
}
