import { validationError } from '../domain/domain-error.js';
import type { TransactionStatus, TransactionType } from '../domain/transaction.js';
import type { FoundTransaction } from '../storage/transaction-repo.js';
import type { PaymentsDeps } from './deps.js';

export type { FoundTransaction };

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 25;

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

/** Opaque to clients: the position (created, id) of the last row of a page, base64url. */
export function encodeCursor(t: { createdAt: number; id: string }): string {
  return Buffer.from(JSON.stringify([t.createdAt, t.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string'
    ) {
      return { createdAt: value[0] as number, id: value[1] };
    }
  } catch {
    // falls through to the refusal
  }
  throw validationError('cursor', 'Not a cursor this API returned.');
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
  const limit = Math.min(Math.max(filter.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
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
      after: filter.cursor ? decodeCursor(filter.cursor) : undefined,
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
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    shopNotificationUrls: urls,
  };
}
