import { DomainError } from '../domain/domain-error.js';
import { assertReattemptAllowed } from '../domain/reattempt.js';
import type { PaymentResult } from '../domain/payment-result.js';
import { newPendingTransaction } from '../domain/pending-transaction.js';
import { methodCodeFor, type Transaction } from '../domain/transaction.js';
import { attemptDeadline } from './attempt.js';
import { authorizeAndFinalize } from './authorize.js';
import type { PaymentsDeps, RequestContext } from './deps.js';
import type { DebitProfileInput } from './inputs.js';
import { shopForPayment } from './payment-shop.js';
import type { PaymentContext } from './payment-context.js';
import { atShopTime, keyClock } from './shop-time.js';
import type { Shop } from './shops.js';
import { claimOrder } from './widget-order.js';

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
  const shop = await shopForPayment(base, merchantId, input.serviceId, input.amount);
  // From here on, the shop's time (its test clock's, in the sandbox).
  const deps = atShopTime(base, shop);
  const { transaction, context } = await storeDebit(deps, shop, merchantId, input, ctx, source);
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
 * transaction. The profile is read inside the write that stores it, so a debit can't slip in after a committed
 * deactivation.
 */
async function storeDebit(
  deps: PaymentsDeps,
  shop: Shop,
  merchantId: string,
  input: DebitProfileInput,
  ctx: RequestContext,
  source: 'api' | 'web',
): Promise<{ transaction: Transaction; context: PaymentContext }> {
  return deps.storage.transaction(async (trx) => {
    const found = await trx.profiles.getProfileWithCard(merchantId, input.paymentProfileId);
    if (!found) {
      throw new DomainError('profileNotFound', [
        { property: 'paymentProfileId', message: 'No such payment profile.' },
      ]);
    }
    const { profile, card } = found;
    if (!profile.isActive) {
      throw new DomainError('profileInactive', [
        { property: 'paymentProfileId', message: 'Payment profile inactive.' },
      ]);
    }
    const now = deps.clock.now();
    const mit = profile.type === 'RECURRING';
    if (mit) assertReattemptAllowed(found.retry, card, now, 'paymentProfileId');
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
    await trx.transactions.insertTransaction(transaction);
    if (ctx.idempotency)
      await trx.idempotency.attachTransaction(
        ctx.idempotency.merchantId,
        ctx.idempotency.key,
        transaction.id,
        keyClock(deps, shop, ctx),
      );
    if (ctx.oncePerOrder) await claimOrder(trx, transaction, transaction.createdAt);
    if (ctx.stored) await ctx.stored(trx, transaction);
    const retry = mit
      ? { fingerprint: card.fingerprint, month: card.month, year: card.year, state: found.retry }
      : undefined;
    return { transaction, context: { shop, profile, card, retry } };
  });
}
