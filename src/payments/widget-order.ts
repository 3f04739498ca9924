import type { Transaction } from '../domain/transaction.js';
import type { Repos } from '../storage/storage.js';
import type { WidgetOrderKey, WidgetOrderState } from '../storage/widget-order-repo.js';
import type { PaymentsDeps } from './deps.js';

export type { WidgetOrderKey, WidgetOrderState };

/** The order is held by another payment (`paying`) or was paid (`paid`): nothing was stored or charged. */
export class OrderTakenError extends Error {
  constructor(readonly state: 'paying' | 'paid') {
    super(state === 'paid' ? 'this widget order was already paid' : 'this widget order is being paid');
  }
}

function keyOf(t: Transaction): WidgetOrderKey {
  return { serviceId: t.serviceId, orderId: t.orderId, amount: t.amount, currency: t.currency };
}

/**
 * Gives the signed order to `t`, in the database transaction that stores `t`: the claim and the payment
 * commit together or not at all, so a claim always names a stored transaction, and that transaction's final
 * status (recorded by {@link settleOrder}, also after a crash via recovery or challenge expiry) frees it.
 */
export async function claimOrder(repos: Repos, t: Transaction, now: number): Promise<void> {
  const key = keyOf(t);
  if (await repos.widgetOrders.claim(key, t.id, now)) return;
  const held = await repos.widgetOrders.get(key);
  throw new OrderTakenError(held?.state === 'paid' ? 'paid' : 'paying');
}

/** Called by every finalisation of a widget payment, in its database transaction. */
export async function settleOrder(repos: Repos, t: Transaction, now: number): Promise<void> {
  const paid = t.status === 'settled' || t.status === 'authorized';
  await repos.widgetOrders.settle(t.id, paid ? 'paid' : 'open', now);
}

/** Whether the signed order can still be paid (`open` also for an order never seen). */
export async function widgetOrderState(deps: PaymentsDeps, key: WidgetOrderKey): Promise<WidgetOrderState> {
  return (await deps.storage.repos.widgetOrders.get(key))?.state ?? 'open';
}
