import type { Currency } from '../domain/money.js';
import type { TransactionStatus } from '../domain/transaction.js';
import type { PaymentsDeps } from './deps.js';
import type { WidgetOrderKey } from './widget-order.js';

export interface OrderNotification {
  status: string;
  url: string | null;
  attempts: number;
  deliveredAt: number | null;
  lastError: string | null;
}

/** What became of a signed widget order: its payment (card masked) and the notifications sent about it. */
export interface OrderOutcome {
  transactionId: string;
  status: TransactionStatus;
  statusCode: string | null;
  amount: number;
  currency: Currency;
  /** `****1111`, the only form of the card number a page may show. */
  maskedNumber: string | null;
  notifications: OrderNotification[];
}

/** For the demo shop's result page: the payment that took the order, if one did. */
export async function orderOutcome(
  deps: PaymentsDeps,
  key: WidgetOrderKey,
): Promise<OrderOutcome | undefined> {
  const repos = deps.storage.repos;
  const order = await repos.widgetOrders.get(key);
  if (!order) return undefined;
  const t = await repos.transactions.getTransactionById(order.transactionId);
  if (!t) return undefined;
  const [card, notifications] = await Promise.all([
    t.cardId ? repos.cards.getCard(t.cardId) : undefined,
    repos.notifications.list({ transactionId: t.id, limit: 20 }),
  ]);
  return {
    transactionId: t.id,
    status: t.status,
    statusCode: t.statusCode,
    amount: t.amount,
    currency: t.currency,
    maskedNumber: card ? `****${card.last4}` : null,
    notifications: notifications.map((n) => ({
      status: n.status,
      url: n.url,
      attempts: n.attempts,
      deliveredAt: n.deliveredAt,
      lastError: n.lastError,
    })),
  };
}
