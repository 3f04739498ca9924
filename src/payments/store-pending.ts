import { newId } from '../domain/ids.js';
import { newPendingTransaction } from '../domain/pending-transaction.js';
import type { PaymentMethodCode, Transaction, TransactionSource } from '../domain/transaction.js';
import type { Shop } from '../storage/merchant-repo.js';
import type { Repos } from '../storage/storage.js';
import type { SealedCard } from '../vault/sealed-card.js';
import { attemptDeadline } from './attempt.js';
import type { PaymentsDeps, RequestContext } from './deps.js';
import type { CardInput, CreateTransactionInput } from './inputs.js';
import { keyClock } from './shop-time.js';
import { claimOrder } from './widget-order.js';
import { attachToKey } from './idempotency.js';

export interface PendingShape {
  paymentMethodCode: PaymentMethodCode;
  registers: Transaction['registers'];
  profileVariant: Transaction['profileVariant'];
  initiator: Transaction['initiator'];
  profileId: string | null;
  quotedNetworkTxnId: string | null;
}

export interface StorePendingOptions {
  merchantId: string;
  shop: Shop;
  input: CreateTransactionInput;
  card: CardInput;
  ctx: RequestContext;
  source: TransactionSource;
  shape: PendingShape;
  /**
   * Runs inside the transaction that stores the payment, after it is inserted (a recurring agreement is
   * declared, or checked and counted, there); throwing rolls everything back.
   */
  alongside?: ((repos: Repos, t: Transaction) => Promise<void>) | undefined;
}

/** The stored pending transaction and its card as sealed, so the request opens it without reading it back. */
export interface StoredPending {
  transaction: Transaction & { cardId: string };
  card: SealedCard;
}

/** Seals the card and stores it with the transaction, as pending, atomically. */
export async function storePending(deps: PaymentsDeps, o: StorePendingOptions): Promise<StoredPending> {
  const now = deps.clock.now();
  const sealed = deps.vault.seal({
    id: newId(),
    merchantId: o.merchantId,
    number: o.card.number,
    month: o.card.month,
    year: o.card.year,
    firstName: o.card.firstName,
    lastName: o.card.lastName,
    createdAt: now,
  });
  const t = newPendingTransaction({
    merchantId: o.merchantId,
    serviceId: o.shop.id,
    source: o.source,
    order: o.input,
    successReturnUrl: o.input.successReturnUrl,
    failureReturnUrl: o.input.failureReturnUrl,
    customer: o.input.customer,
    cardId: sealed.id,
    ...o.shape,
    now,
    acquirerDeadline: attemptDeadline(deps),
  });
  // With nothing else to commit with them, the card and the pending row are one statement (no BEGIN/COMMIT on
  // PostgreSQL); an idempotency key, a widget order claim or a declared agreement (`alongside`) must commit
  // with them, in a transaction.
  if (!o.ctx.idempotency && !o.ctx.oncePerOrder && !o.alongside) {
    await deps.storage.atomically((repos) => repos.transactions.insertCardAndTransaction(sealed, t));
    return { transaction: t, card: sealed };
  }
  await deps.storage.transaction(async (repos) => {
    await repos.transactions.insertCardAndTransaction(sealed, t);
    if (o.alongside) await o.alongside(repos, t);
    if (o.ctx.idempotency) await attachToKey(repos, o.ctx.idempotency, t.id, keyClock(deps, o.shop, o.ctx));
    if (o.ctx.oncePerOrder) await claimOrder(repos, t, now);
  });
  return { transaction: t, card: sealed };
}
