import { newId } from '../domain/ids.js';
import { DomainError, validationError } from '../domain/domain-error.js';
import type { Transaction } from '../domain/transaction.js';
import type { Repos } from '../storage/storage.js';
import { attemptDeadline } from './attempt.js';
import type { PaymentsDeps, RequestContext } from './deps.js';
import type { PaymentResult } from '../domain/payment-result.js';
import { finalizeOrStored, outcomeOf } from './finalize.js';
import { currentResult } from './payment-result.js';
import { recoverTransaction } from './recover.js';
import { keyClock, shopNow } from './shop-time.js';
import type { Shop } from './shops.js';
import { attachToKey } from './idempotency.js';

export interface RefundInput {
  serviceId: string;
  amount: number;
  title?: string | null | undefined;
}

/** Refunds that count against the sale: everything not failed (pending ones included, so races can't overshoot). */
function refunded(refunds: readonly Transaction[]): number {
  return refunds
    .filter((r) => r.status !== 'rejected' && r.status !== 'error' && r.status !== 'cancelled')
    .reduce((sum, r) => sum + r.amount, 0);
}

export interface RefundBalance {
  sale: Transaction;
  balance: number;
  refundedAmount: number;
}

export async function refundBalance(
  repos: Repos,
  merchantId: string,
  saleId: string,
  lock = false,
): Promise<RefundBalance> {
  const sale = lock
    ? await repos.transactions.lockTransaction(merchantId, saleId)
    : await repos.transactions.getTransaction(merchantId, saleId);
  if (!sale) throw new DomainError('transactionNotFound');
  const refundedAmount = refunded(await repos.transactions.listRefunds(sale.id));
  const balance = sale.type === 'sale' && sale.status === 'settled' ? sale.amount - refundedAmount : 0;
  return { sale, balance, refundedAmount };
}

/**
 * A (partial) refund of a settled sale. The refund is stored as pending while the sale's row is locked and
 * the sum of its refunds is checked, so concurrent refunds can never add up to more than the sale; only then
 * is the acquirer asked, with the refund's id as its idempotency reference.
 */
export async function refundTransaction(
  deps: PaymentsDeps,
  merchantId: string,
  saleId: string,
  input: RefundInput,
  ctx: RequestContext,
): Promise<PaymentResult> {
  let shop: Shop | undefined;
  const refund = await deps.storage.transaction(async (repos) => {
    const { sale, balance } = await refundBalance(repos, merchantId, saleId, true);
    if (sale.serviceId !== input.serviceId) {
      throw validationError('serviceId', 'Must be the service (shop) of the refunded transaction.');
    }
    // Read here rather than when finalising (it is passed on): the refund is created at the shop's time.
    shop = await repos.merchants.getShopById(sale.serviceId);
    const now = shopNow(deps, shop);
    if (sale.type !== 'sale' || sale.status !== 'settled') throw new DomainError('notRefundable');
    if (input.amount > balance) {
      throw new DomainError('refundExceedsBalance', [
        { property: 'amount', message: `At most ${balance} can still be refunded.` },
      ]);
    }
    const r: Transaction = {
      ...sale,
      id: newId(),
      type: 'refund',
      status: 'pending',
      stage: 'authorizing',
      source: 'api',
      amount: input.amount,
      title: input.title ?? '',
      successReturnUrl: null,
      failureReturnUrl: null,
      registers: null,
      profileVariant: null,
      initiator: 'MIT',
      statusCode: null,
      networkTxnId: null,
      quotedNetworkTxnId: null,
      parentId: sale.id,
      createdAt: now,
      modifiedAt: now,
      challengeExpiresAt: null,
      acquirerDeadline: attemptDeadline(deps),
    };
    await repos.transactions.insertTransaction(r);
    if (ctx.idempotency) await attachToKey(repos, ctx.idempotency, r.id, shop && keyClock(deps, shop, ctx));
    return r;
  });
  let finalized: PaymentResult;
  let result;
  try {
    result = await deps.acquirer.refund({
      reference: refund.id,
      saleReference: saleId,
      amount: refund.amount,
      currency: refund.currency,
      deadline: refund.acquirerDeadline ?? undefined,
    });
  } catch (err) {
    // No answer (timeout, failure): what the acquirer recorded decides, or the refund stays pending for the
    // recovery chore; a retry with the same Idempotency-Key then answers with its outcome.
    deps.log.error({ err, transactionId: refund.id }, 'acquirer refund failed; looking it up');
  }
  if (result) {
    finalized = await finalizeOrStored(deps, {
      transaction: refund,
      outcome: outcomeOf(result, true),
      expectedStage: 'authorizing',
      context: shop && { shop },
    });
  } else {
    const after = await recoverTransaction(deps, refund);
    finalized = await currentResult(deps, after);
    if (after.stage === 'authorizing') return finalized;
  }
  if (finalized.transaction.status !== 'settled') {
    throw new DomainError('refundDeclined', [
      {
        property: 'amount',
        message: `The acquirer answered ${finalized.transaction.statusCode ?? 'no result'}.`,
      },
    ]);
  }
  return finalized;
}
