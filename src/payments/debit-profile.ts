import { DomainError } from '../domain/domain-error.js';
import type { PaymentResult } from '../domain/payment-result.js';
import { newPendingTransaction } from '../domain/pending-transaction.js';
import { methodCodeFor, type Transaction } from '../domain/transaction.js';
import { attemptDeadline } from './attempt.js';
import { authorizeAndFinalize } from './authorize.js';
import type { PaymentsDeps, RequestContext } from './deps.js';
import type { DebitProfileInput } from './inputs.js';
import { shopForPayment } from './payment-shop.js';
import type { PaymentContext } from './payment-context.js';
import { claimOrder } from './widget-order.js';
import type { Shop } from '../storage/merchant-repo.js';
import type { Repos } from '../storage/storage.js';

/**
 * `POST /transaction/profile`: a later payment on a stored card. RECURRING debits are merchant-initiated and
 * quote the profile's first transaction; ONE_CLICK debits are customer-initiated without 3-D Secure.
 */
export async function debitProfile(
  deps: PaymentsDeps,
  merchantId: string,
  input: DebitProfileInput,
  ctx: RequestContext,
  source: 'api' | 'web' = 'api',
): Promise<PaymentResult> {
  const { transaction, context } = await storeDebit(deps, merchantId, input, ctx, source);
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

/**
 * Loads what the debit needs, once — the shop, the profile and its sealed card — and stores the pending
 * transaction, durably, before anyone asks the acquirer.
 *
 * The profile is read first, beside the shop and outside any transaction; the pending row's INSERT then re-checks in the same
 * statement that the profile is still active with the card that was read
 * (`insertTransactionIfProfileActive`), so a debit still can't slip in after a committed deactivation or card
 * refresh, and with nothing else to write that INSERT is the whole write: on PostgreSQL one round trip with
 * no BEGIN/COMMIT (`storage.atomically`). An idempotency key or a widget order claim must commit with the row,
 * so those debits keep a transaction around the same INSERT. Checks on what was read (active, and whatever
 * else a debit must verify of the profile) go between the read and the write.
 */
async function storeDebit(
  deps: PaymentsDeps,
  merchantId: string,
  input: DebitProfileInput,
  ctx: RequestContext,
  source: 'api' | 'web',
): Promise<{ transaction: Transaction; context: PaymentContext }> {
  const readProfile = () =>
    deps.storage.repos.profiles.getProfileWithCard(merchantId, input.paymentProfileId);
  // Both reads at once (on PostgreSQL two connections, one round trip of waiting); the shop's verdict still
  // comes first, as when they ran one after the other.
  const [shop, firstRead] = await Promise.all([
    shopForPayment(deps, merchantId, input.serviceId, input.amount),
    readProfile(),
  ]);
  let found = firstRead;
  // A profile that stays active but whose card was refreshed between the read and the INSERT: read it again.
  for (let attempt = 1; ; attempt++) {
    const stored = await tryStoreDebit(deps, shop, found, merchantId, input, ctx, source);
    if (stored) return stored;
    if (attempt === 3) throw new Error(`profile ${input.paymentProfileId} kept changing under a debit`);
    found = await readProfile();
  }
}

async function tryStoreDebit(
  deps: PaymentsDeps,
  shop: Shop,
  found: Awaited<ReturnType<Repos['profiles']['getProfileWithCard']>>,
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
  const { profile, card } = found;
  if (!profile.isActive) throw profileInactive();
  const now = deps.clock.now();
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
    initiator: profile.type === 'RECURRING' ? 'MIT' : 'CIT',
    profileId: profile.id,
    quotedNetworkTxnId: profile.firstTransactionId,
    now,
    acquirerDeadline: attemptDeadline(deps),
  });
  const store = (repos: Repos): Promise<boolean> =>
    repos.transactions.insertTransactionIfProfileActive(transaction, profile);
  let stored: boolean;
  if (!ctx.idempotency && !ctx.oncePerOrder) {
    stored = await deps.storage.atomically(store);
  } else {
    stored = await deps.storage.transaction(async (trx) => {
      if (!(await store(trx))) return false;
      if (ctx.idempotency)
        await trx.idempotency.attachTransaction(
          ctx.idempotency.merchantId,
          ctx.idempotency.key,
          transaction.id,
        );
      if (ctx.oncePerOrder) await claimOrder(trx, transaction, transaction.createdAt);
      return true;
    });
  }
  // Not stored: the profile changed since it was read; the next attempt's read says how (inactive, new card).
  return stored ? { transaction, context: { shop, profile, card } } : null;
}

/** Inactive when read (a deactivation between the read and the INSERT shows at the next attempt's read). */
function profileInactive(): DomainError {
  return new DomainError('profileInactive', [
    { property: 'paymentProfileId', message: 'Payment profile inactive.' },
  ]);
}
