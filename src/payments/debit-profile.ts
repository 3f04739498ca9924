import { DomainError } from '../domain/domain-error.js';
import { assertReattemptAllowed } from '../domain/reattempt.js';
import type { PaymentResult } from '../domain/payment-result.js';
import { newPendingTransaction } from '../domain/pending-transaction.js';
import { methodCodeFor, type Transaction } from '../domain/transaction.js';
import type { ProfileWithCard } from '../storage/profile-repo.js';
import type { Repos } from '../storage/storage.js';
import { checkAgreementDebit, recordAgreementDebit } from './agreement-check.js';
import { attemptDeadline } from './attempt.js';
import { authorizeAndFinalize } from './authorize.js';
import type { PaymentsDeps, RequestContext } from './deps.js';
import type { DebitProfileInput } from './inputs.js';
import { checkedShop } from './payment-shop.js';
import type { PaymentContext } from './payment-context.js';
import { atShopTime, keyClock } from './shop-time.js';
import type { Shop } from './shops.js';
import { liveRetryState } from './reattempt-state.js';
import { claimOrder } from './widget-order.js';
import { attachToKey } from './idempotency.js';

type FoundProfile = ProfileWithCard | undefined;

/**
 * `POST /transaction/profile`: a later payment on a stored card. RECURRING debits are merchant-initiated and
 * quote the profile's first transaction; ONE_CLICK debits are customer-initiated without 3-D Secure.
 */
export async function debitProfile(
  base: PaymentsDeps,
  merchantId: string,
  input: DebitProfileInput,
  ctx: RequestContext,
  source: 'api' | 'web' = 'api',
): Promise<PaymentResult> {
  const readProfile = () =>
    base.storage.repos.profiles.getProfileWithCard(merchantId, input.paymentProfileId);
  // Both in one statement (PaymentReadRepo); the shop's verdict comes first, as when they were two reads. A caller
  // that has just read both passes them.
  const read =
    ctx.read ??
    (await base.storage.repos.paymentReads.debit(merchantId, input.serviceId, input.paymentProfileId));
  const shop = checkedShop(read.shop, merchantId, input.serviceId, input.amount);
  const firstRead = read.profile;
  // From here on, the shop's time (its test clock's, in the sandbox).
  const deps = atShopTime(base, shop);
  let found = firstRead;
  // A profile that stays active but whose card was refreshed, or whose card's retry state changed (a decline of
  // another debit of the card), between the read and the INSERT: read it again.
  for (let attempt = 1; ; attempt++) {
    const stored = await tryStoreDebit(deps, shop, found, merchantId, input, ctx, source);
    if (stored) {
      const { transaction, context } = stored;
      return authorizeAndFinalize(deps, {
        transaction,
        context,
        request: {
          initiator: transaction.initiator,
          storedCredential: 'subsequent',
          quotedNetworkTxnId: transaction.quotedNetworkTxnId,
        },
      });
    }
    if (attempt === 3) throw new Error(`profile ${input.paymentProfileId} kept changing under a debit`);
    found = await readProfile();
  }
}

/**
 * Stores the pending transaction, durably, before anyone asks the acquirer.
 *
 * The profile was read beside the shop, outside any transaction; the pending row's INSERT re-checks in the
 * same statement that the profile is still active with the card that was read, and for a merchant-initiated
 * debit that the card's retry state is still the one the schemes' reattempt rules were checked against
 * (`insertTransactionIfProfileActive`), so a debit can't slip in after a committed deactivation, card refresh
 * or hard decline. With nothing else to write, that INSERT is the whole write: on PostgreSQL one round trip with no
 * BEGIN/COMMIT (`storage.atomically`); a scheduled cycle's attempt row is part of that statement
 * (`ctx.scheduleAttempt`). What must commit with the row keeps a transaction around the same INSERT: an
 * idempotency key, a widget order claim, and the debit of a recurring agreement, whose check locks the
 * agreement so concurrent debits can't both take its last cycle.
 * Checks on what was read (active, the schemes' reattempt rules) go between the read and the write.
 */
async function tryStoreDebit(
  deps: PaymentsDeps,
  shop: Shop,
  found: FoundProfile,
  merchantId: string,
  input: DebitProfileInput,
  ctx: RequestContext,
  source: 'api' | 'web',
): Promise<{ transaction: Transaction; context: PaymentContext } | null> {
  if (!found) {
    throw new DomainError('profileNotFound', [
      { property: 'paymentProfileId', message: 'No such payment profile.' },
    ]);
  }
  const { profile, card, agreement } = found;
  if (!profile.isActive) throw profileInactive();
  const now = deps.clock.now();
  const mit = profile.type === 'RECURRING';
  if (mit)
    assertReattemptAllowed(
      await liveRetryState(deps.storage.repos, merchantId, found.retry),
      card,
      now,
      'paymentProfileId',
    );
  // Only a profile whose registration declared an agreement pays for this (the read above found it).
  const bound = agreement && mit ? agreement : undefined;
  const transaction = newPendingTransaction({
    merchantId,
    serviceId: shop.id,
    source,
    order: input,
    successReturnUrl: null,
    failureReturnUrl: null,
    customer: {
      firstName: profile.firstName,
      lastName: profile.lastName,
      email: profile.email,
      cid: profile.cid,
    },
    cardId: profile.cardId,
    paymentMethodCode: methodCodeFor(profile.type),
    registers: null,
    profileVariant: null,
    initiator: mit ? 'MIT' : 'CIT',
    profileId: profile.id,
    quotedNetworkTxnId: profile.firstTransactionId,
    now,
    acquirerDeadline: attemptDeadline(deps),
  });
  const attempt = ctx.scheduleAttempt;
  // A merchant-initiated debit was allowed on the card's retry state as read: stored only while it still is.
  const retryRead = mit ? { fingerprint: card.fingerprint, state: found.retry } : undefined;
  const store = (repos: Repos): Promise<boolean> =>
    attempt
      ? repos.transactions.insertScheduledDebitIfProfileActive(transaction, profile, attempt, retryRead)
      : repos.transactions.insertTransactionIfProfileActive(transaction, profile, retryRead);
  let stored: boolean;
  if (!ctx.idempotency && !ctx.oncePerOrder && !bound) {
    stored = await deps.storage.atomically(store);
  } else {
    stored = await deps.storage.transaction(async (trx) => {
      if (bound)
        await checkAgreementDebit(trx, bound, { amount: input.amount, currency: input.currency, at: now });
      if (!(await store(trx))) return false;
      if (bound) await recordAgreementDebit(trx, bound, transaction.id, transaction.createdAt);
      if (ctx.idempotency) await attachToKey(trx, ctx.idempotency, transaction.id, keyClock(deps, shop, ctx));
      if (ctx.oncePerOrder) await claimOrder(trx, transaction, transaction.createdAt);
      return true;
    });
  }
  if (!stored) return null; // the profile changed since it was read; the next read says how
  const retry = mit
    ? { fingerprint: card.fingerprint, month: card.month, year: card.year, state: found.retry }
    : undefined;
  return { transaction, context: { shop, profile, card, retry } };
}

/** Inactive when read (a deactivation between the read and the INSERT shows at the next attempt's read). */
function profileInactive(): DomainError {
  return new DomainError('profileInactive', [
    { property: 'paymentProfileId', message: 'Payment profile inactive.' },
  ]);
}
