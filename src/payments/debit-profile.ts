import { DomainError } from '../domain/domain-error.js';
import { newId } from '../domain/ids.js';
import type { PaymentProfile } from '../domain/profile.js';
import { methodCodeFor, type Transaction } from '../domain/transaction.js';
import { attemptDeadline } from './attempt.js';
import { authorizeAndFinalize } from './authorize.js';
import type { PaymentsDeps, RequestContext } from './deps.js';
import type { PaymentResult } from './finalize.js';
import type { DebitProfileInput } from './inputs.js';
import { shopForPayment } from './payment-shop.js';
import { claimOrder } from './widget-order.js';

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
  const shop = await shopForPayment(deps, merchantId, input.serviceId, input.amount);
  // The profile (with its sealed card, for the vault) is read once, inside the write that stores the pending
  // transaction, so a debit can't slip in after a committed deactivation.
  const { t, profile, card } = await deps.storage.transaction(async (trx) => {
    const found = await trx.profiles.getProfileWithCard(merchantId, input.paymentProfileId);
    if (!found) {
      throw new DomainError('profileNotFound', [
        { property: 'paymentProfileId', message: 'No such payment profile.' },
      ]);
    }
    const { profile } = found;
    if (!profile.isActive) {
      throw new DomainError('profileInactive', [
        { property: 'paymentProfileId', message: 'Payment profile inactive.' },
      ]);
    }
    const t = pendingDebit(deps, merchantId, shop.id, input, profile, source);
    await trx.transactions.insertTransaction(t);
    if (ctx.idempotency)
      await trx.idempotency.attachTransaction(ctx.idempotency.merchantId, ctx.idempotency.key, t.id);
    if (ctx.oncePerOrder) await claimOrder(trx, t, t.createdAt);
    return { t, profile, card: found.card };
  });
  return authorizeAndFinalize(
    deps,
    t,
    !shop.preauthEnabled,
    {
      initiator: t.initiator,
      storedCredential: 'subsequent',
      quotedNetworkTxnId: profile.firstTransactionId,
    },
    { profile, shop, card },
  );
}

function pendingDebit(
  deps: PaymentsDeps,
  merchantId: string,
  serviceId: string,
  input: DebitProfileInput,
  profile: PaymentProfile,
  source: 'api' | 'web',
): Transaction {
  const now = deps.clock.now();
  const initiator = profile.type === 'RECURRING' ? 'MIT' : 'CIT';
  return {
    id: newId(),
    merchantId,
    serviceId,
    type: 'sale',
    status: 'pending',
    stage: 'authorizing',
    source,
    amount: input.amount,
    currency: input.currency,
    orderId: input.orderId,
    title: input.title ?? '',
    paymentMethodCode: methodCodeFor(profile.type),
    notificationUrl: input.notificationUrl ?? null,
    successReturnUrl: null,
    failureReturnUrl: null,
    customer: {
      firstName: profile.firstName,
      lastName: profile.lastName,
      email: profile.email,
      cid: profile.cid,
    },
    cardId: profile.cardId,
    profileId: profile.id,
    registers: null,
    profileVariant: null,
    initiator,
    statusCode: null,
    networkTxnId: null,
    quotedNetworkTxnId: profile.firstTransactionId,
    parentId: null,
    createdAt: now,
    modifiedAt: now,
    challengeExpiresAt: null,
    acquirerDeadline: attemptDeadline(deps),
  };
}
