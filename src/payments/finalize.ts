import type { AcquirerResult } from '../acquirer/acquirer.js';
import { newId } from '../domain/ids.js';
import { decideRegistration, type PaymentProfile } from '../domain/profile.js';
import {
  canTransition,
  type Transaction,
  type TransactionStage,
  type TransactionStatus,
} from '../domain/transaction.js';
import { enqueueNotification, notificationRow } from '../notifications/outbox.js';
import type { PaymentResult } from '../domain/payment-result.js';
import type { Repos } from '../storage/storage.js';
import type { PaymentsDeps } from './deps.js';
import type { PaymentContext } from './payment-context.js';
import { settleOrder } from './widget-order.js';

export interface Outcome {
  status: TransactionStatus;
  statusCode: string;
  networkTxnId?: string | undefined;
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
  return { status: result.outcome === 'declined' ? 'rejected' : 'error', statusCode: result.code };
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
  context?: Omit<PaymentContext, 'card'> | undefined;
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
  const now = deps.clock.now();
  const result =
    (await finishInOneStatement(deps, o, now)) ??
    (await deps.storage.transaction(async (repos): Promise<PaymentResult> => {
      const paid = outcome.status === 'settled' || outcome.status === 'authorized';
      let profile: PaymentProfile | undefined;
      // A registration creates its profile once, when first paid; a later capture must not re-register it.
      if (paid && t.registers && t.cardId && !t.profileId) {
        // Claim the row before creating the profile: a concurrent finaliser of the same registration (the
        // recovery chore beside a stalled request) then waits here on PostgreSQL's row lock and loses the
        // compare-and-set, instead of inserting the same profile and failing on the unique index.
        if (!(await repos.transactions.claimStage(t.id, expectedStage))) throw new StageChangedError(t.id);
        profile = await registerProfile(repos, t, outcome.networkTxnId ?? '', now, deps);
      } else if (t.profileId) {
        profile = context?.profile ?? (await repos.profiles.getProfile(t.merchantId, t.profileId));
      }
      const updated = finished(t, outcome, profile?.id ?? t.profileId, now);
      const changed = await repos.transactions.finish(
        t.id,
        {
          status: updated.status,
          stage: 'done',
          statusCode: updated.statusCode,
          networkTxnId: updated.networkTxnId,
          profileId: updated.profileId,
          modifiedAt: now,
          challengeExpiresAt: null,
        },
        expectedStage,
      );
      if (!changed) throw new StageChangedError(t.id);
      // Only the widget's payments claim an order; the API's never pay this extra statement.
      if (t.source === 'web') await settleOrder(repos, updated, now);
      const shop = context?.shop ?? (await repos.merchants.getShopById(t.serviceId));
      if (shop) await enqueueNotification(repos, updated, profile, shop, now);
      return { transaction: updated, profile, shopNotificationUrl: shop?.notificationUrl ?? null };
    }));
  // Wake the worker only when a notification was queued (the URL rule of notificationRow): a poke runs a whole
  // round of every background task, which under load was a round of polling statements per payment.
  if (result.transaction.notificationUrl ?? result.shopNotificationUrl) deps.notificationQueued?.();
  deps.paymentFinalized?.(result.transaction);
  return result;
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

/**
 * The common finalisation — a profile debit or a plain card payment from the API, whose shop and profile the
 * request already holds, creating no profile and settling no widget order — is one write: the status change
 * and its notification row, in one statement (`finishAndEnqueue`) with no BEGIN/COMMIT round trips on
 * PostgreSQL (`storage.atomically`). Returns undefined for every other case, which takes the transaction in
 * {@link finalize}; both write the same rows.
 */
async function finishInOneStatement(
  deps: PaymentsDeps,
  o: FinalizeOptions,
  now: number,
): Promise<PaymentResult | undefined> {
  const { transaction: t, outcome, expectedStage, context } = o;
  const paid = outcome.status === 'settled' || outcome.status === 'authorized';
  const registers = paid && t.registers && t.cardId && !t.profileId;
  const shop = context?.shop;
  const profile = t.profileId ? context?.profile : undefined;
  if (registers || t.source === 'web' || !shop || (t.profileId && !profile)) return undefined;
  const updated = finished(t, outcome, t.profileId, now);
  const changed = await deps.storage.atomically((repos) =>
    repos.transactions.finishAndEnqueue(
      t.id,
      {
        status: updated.status,
        stage: 'done',
        statusCode: updated.statusCode,
        networkTxnId: updated.networkTxnId,
        profileId: updated.profileId,
        modifiedAt: now,
        challengeExpiresAt: null,
      },
      expectedStage,
      notificationRow(updated, profile, shop, now),
    ),
  );
  if (!changed) throw new StageChangedError(t.id);
  return { transaction: updated, profile, shopNotificationUrl: shop.notificationUrl };
}

async function registerProfile(
  repos: Repos,
  t: Transaction,
  networkTxnId: string,
  now: number,
  deps: PaymentsDeps,
): Promise<PaymentProfile | undefined> {
  const card = t.cardId ? await repos.cards.getCard(t.cardId) : undefined;
  const cid = t.customer?.cid;
  if (!card || !cid || !t.registers) return undefined;
  const existing = await repos.profiles.listByCid(t.merchantId, cid);
  const decision = decideRegistration(existing, card.fingerprint, t.registers);
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
  if (decision.kind === 'refresh') {
    await repos.profiles.refresh(decision.profile.id, {
      cardId: card.id,
      ...holder,
      firstTransactionId: networkTxnId,
      modifiedAt: now,
    });
    return repos.profiles.getProfile(t.merchantId, decision.profile.id);
  }
  const id = newId();
  await repos.profiles.insertProfile({
    id,
    merchantId: t.merchantId,
    serviceId: t.serviceId,
    cid,
    type: t.registers,
    isActive: 1,
    cardId: card.id,
    fingerprint: card.fingerprint,
    ...holder,
    firstTransactionId: networkTxnId,
    createdAt: now,
    modifiedAt: now,
  });
  return repos.profiles.getProfile(t.merchantId, id);
}
