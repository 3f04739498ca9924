import { randomUUID } from 'node:crypto';
import { DomainError } from '../domain/domain-error.js';
import type { PaymentProfile } from '../domain/profile.js';
import { methodCodeFor, type Transaction } from '../domain/transaction.js';
import { authorizeAndFinalize } from './authorize.js';
import type { PaymentsDeps, RequestContext } from './deps.js';
import type { DebitProfileInput } from './inputs.js';

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
): Promise<{ transaction: Transaction; profile: PaymentProfile | undefined }> {
  const repos = deps.storage.repos;
  const shop = await repos.merchants.getShop(merchantId, input.serviceId);
  if (!shop) throw new DomainError('shopNotFound', [{ property: 'serviceId', message: 'No such service.' }]);
  const profile = await repos.profiles.getProfile(merchantId, input.paymentProfileId);
  if (!profile) {
    throw new DomainError('profileNotFound', [
      { property: 'paymentProfileId', message: 'No such payment profile.' },
    ]);
  }
  if (!profile.isActive) {
    throw new DomainError('profileInactive', [
      { property: 'paymentProfileId', message: 'Payment profile inactive.' },
    ]);
  }
  const now = deps.clock.now();
  const initiator = profile.type === 'RECURRING' ? 'MIT' : 'CIT';
  const t: Transaction = {
    id: randomUUID(),
    merchantId,
    serviceId: shop.id,
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
  };
  await deps.storage.transaction(async (trx) => {
    // Re-checked inside the write so a debit can't slip in after a committed deactivation.
    const current = await trx.profiles.getProfile(merchantId, profile.id);
    if (!current?.isActive) throw new DomainError('profileInactive');
    await trx.transactions.insertTransaction(t);
    if (ctx.idempotency)
      await trx.idempotency.attachTransaction(ctx.idempotency.merchantId, ctx.idempotency.key, t.id);
  });
  return authorizeAndFinalize(deps, t, !shop.preauthEnabled, {
    initiator,
    storedCredential: 'subsequent',
    quotedNetworkTxnId: profile.firstTransactionId,
  });
}
