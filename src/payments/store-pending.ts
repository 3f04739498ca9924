import { newId } from '../domain/ids.js';
import type { PaymentMethodCode, Transaction, TransactionSource } from '../domain/transaction.js';
import type { Shop } from '../storage/merchant-repo.js';
import { attemptDeadline } from './attempt.js';
import type { PaymentsDeps, RequestContext } from './deps.js';
import type { CardInput, CreateTransactionInput } from './inputs.js';
import { claimOrder } from './widget-order.js';

export interface PendingShape {
  paymentMethodCode: PaymentMethodCode;
  registers: Transaction['registers'];
  profileVariant: Transaction['profileVariant'];
  initiator: Transaction['initiator'];
  profileId: string | null;
  quotedNetworkTxnId: string | null;
}

/** Seals the card and stores the transaction as pending, in one database transaction. */
export async function storePending(
  deps: PaymentsDeps,
  merchantId: string,
  shop: Shop,
  input: CreateTransactionInput,
  card: CardInput,
  ctx: RequestContext,
  source: TransactionSource,
  shape: PendingShape,
): Promise<Transaction & { cardId: string }> {
  const now = deps.clock.now();
  const cardId = newId();
  const sealed = deps.vault.seal({
    id: cardId,
    merchantId,
    number: card.number,
    month: card.month,
    year: card.year,
    firstName: card.firstName,
    lastName: card.lastName,
    createdAt: now,
  });
  const t: Transaction & { cardId: string } = {
    id: newId(),
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
    notificationUrl: input.notificationUrl ?? null,
    successReturnUrl: input.successReturnUrl,
    failureReturnUrl: input.failureReturnUrl,
    customer: input.customer,
    cardId,
    statusCode: null,
    networkTxnId: null,
    parentId: null,
    createdAt: now,
    modifiedAt: now,
    challengeExpiresAt: null,
    acquirerDeadline: attemptDeadline(deps),
    ...shape,
  };
  await deps.storage.transaction(async (repos) => {
    await repos.cards.insertCard(sealed);
    await repos.transactions.insertTransaction(t);
    if (ctx.idempotency)
      await repos.idempotency.attachTransaction(ctx.idempotency.merchantId, ctx.idempotency.key, t.id);
    if (ctx.oncePerOrder) await claimOrder(repos, t, now);
  });
  return t;
}
