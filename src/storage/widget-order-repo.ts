import type { Kysely } from 'kysely';
import type { Currency } from '../domain/money.js';
import type { Database } from './schema.js';

/** What a shop signed for one widget payment: the order is paid at most once. */
export interface WidgetOrderKey {
  serviceId: string;
  orderId: string;
  amount: number;
  currency: Currency;
}

/** `paying`: its transaction is unfinished; `paid`: it succeeded; `open`: it failed, the order may be paid. */
export type WidgetOrderState = 'open' | 'paying' | 'paid';

export interface WidgetOrder extends WidgetOrderKey {
  state: WidgetOrderState;
  transactionId: string;
}

export class WidgetOrderRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Gives the order to `transactionId` if nobody holds it: inserts it, or takes it over only while it is
   * `open`. One statement, so two claimers (in any process) can't both win: on PostgreSQL the second waits
   * for the first's row and then sees it `paying`.
   */
  async claim(key: WidgetOrderKey, transactionId: string, now: number): Promise<boolean> {
    const result = await this.db
      .insertInto('widgetOrders')
      .values({ ...key, state: 'paying', transactionId, createdAt: now, modifiedAt: now })
      .onConflict((oc) =>
        oc
          .columns(['serviceId', 'orderId', 'amount', 'currency'])
          .doUpdateSet({ state: 'paying', transactionId, modifiedAt: now })
          .where('widgetOrders.state', '=', 'open'),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async get(key: WidgetOrderKey): Promise<WidgetOrder | undefined> {
    const row = await this.db
      .selectFrom('widgetOrders')
      .select(['serviceId', 'orderId', 'amount', 'currency', 'state', 'transactionId'])
      .where('serviceId', '=', key.serviceId)
      .where('orderId', '=', key.orderId)
      .where('amount', '=', key.amount)
      .where('currency', '=', key.currency)
      .executeTakeFirst();
    return row && { ...row, currency: row.currency as Currency, state: row.state as WidgetOrderState };
  }

  /** Records the final status of the transaction holding an order (a no-op for any other transaction). */
  async settle(transactionId: string, state: 'open' | 'paid', now: number): Promise<void> {
    await this.db
      .updateTable('widgetOrders')
      .set({ state, modifiedAt: now })
      .where('transactionId', '=', transactionId)
      .execute();
  }
}
