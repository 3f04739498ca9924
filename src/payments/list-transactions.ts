import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE } from '../domain/cursor.js';
import type { TransactionStatus, TransactionType } from '../domain/transaction.js';
import type { FoundTransaction } from '../storage/transaction-repo.js';
import type { PaymentsDeps } from './deps.js';

export type { FoundTransaction };

export const MAX_PAGE = MAX_PAGE_SIZE;

export interface TransactionFilter {
  status?: TransactionStatus | undefined;
  type?: TransactionType | undefined;
  orderId?: string | undefined;
  cid?: string | undefined;
  amountMin?: number | undefined;
  amountMax?: number | undefined;
  /** Unix ms, inclusive. */
  createdFrom?: number | undefined;
  /** Unix ms, exclusive. */
  createdTo?: number | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export interface TransactionPage {
  transactions: FoundTransaction[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
  /** Each shop's notification URL, which the imoje view shows when a transaction has none of its own. */
  shopNotificationUrls: ReadonlyMap<string, string | null>;
}

/**
 * A page of a merchant's transactions (`merchantId` null: every merchant's, for operators), newest first. The
 * cursor is a position, not an offset: rows created meanwhile never shift a page.
 */
export async function listTransactions(
  deps: PaymentsDeps,
  merchantId: string | null,
  filter: TransactionFilter,
): Promise<TransactionPage> {
  const limit = Math.min(Math.max(filter.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE);
  const after = decodeCursor(filter.cursor);
  const repos = deps.storage.repos;
  const [rows, shops] = await Promise.all([
    repos.transactions.search({
      merchantId,
      status: filter.status,
      type: filter.type,
      orderId: filter.orderId,
      cid: filter.cid,
      amountMin: filter.amountMin,
      amountMax: filter.amountMax,
      createdFrom: filter.createdFrom,
      createdTo: filter.createdTo,
      after: after ? { createdAt: after.at, id: after.id } : undefined,
      limit: limit + 1,
    }),
    merchantId === null ? [] : repos.merchants.listShops(merchantId),
  ]);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const urls = new Map(shops.map((s) => [s.id, s.notificationUrl]));
  if (merchantId === null) {
    for (const serviceId of new Set(page.map((t) => t.serviceId))) {
      const shop = await repos.merchants.getShopById(serviceId);
      urls.set(serviceId, shop?.notificationUrl ?? null);
    }
  }
  return {
    transactions: page,
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
    shopNotificationUrls: urls,
  };
}
