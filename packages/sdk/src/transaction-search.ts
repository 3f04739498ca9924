import { gatewayExtensionRoot, merchantTransport, transportOf, type MerchantOptions } from './extension.js';
import type { RequestOptions, Transport } from './transport.js';
import type {
  ListedTransaction,
  TransactionListFilter,
  TransactionListResponse,
  TransactionTimelineResponse,
} from './types/transaction-list.js';

export interface TransactionSearchOptions extends MerchantOptions {
  /**
   * The gateway, e.g. `http://localhost:8080`: this is Kartoteka's own extension
   * (`/kartoteka/v1/merchant/{merchantId}`), not part of imoje's API. A base ending in `/v1/merchant` (what
   * {@link KartotekaClient} takes) works too.
   */
  baseUrl: string;
}

const seg = encodeURIComponent;
const seconds = (v: Date | number) => String(v instanceof Date ? Math.floor(v.getTime() / 1000) : v);

function queryOf(filter: TransactionListFilter): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
    q.set(
      key,
      key === 'createdFrom' || key === 'createdTo' ? seconds(value as Date | number) : String(value),
    );
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Kartoteka's transaction list and search (an extension: imoje has no such endpoint). */
export class TransactionSearch {
  private readonly http: Transport;

  /** Standalone with its own options; `client.transactionSearch` is the same, built from a {@link KartotekaClient}'s. */
  constructor(options: TransactionSearchOptions | Transport) {
    this.http = transportOf(options, (o) => {
      if (!o.baseUrl) throw new TypeError('TransactionSearch: baseUrl (the Kartoteka gateway) is required');
      return merchantTransport('TransactionSearch', gatewayExtensionRoot(o.baseUrl), o);
    });
  }

  /** `GET /transactions`: one page, newest first. */
  list(filter: TransactionListFilter = {}, options?: RequestOptions): Promise<TransactionListResponse> {
    return this.http.request('GET', `/transactions${queryOf(filter)}`, undefined, options);
  }

  /** Every matching transaction, page after page (the cursor followed for you). */
  async *all(
    filter: Omit<TransactionListFilter, 'cursor'> = {},
    options?: RequestOptions,
  ): AsyncGenerator<ListedTransaction> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...filter, ...(cursor ? { cursor } : {}) }, options);
      yield* page.transactions;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** `GET /transactions/{id}/timeline`: created, 3-D Secure, status changes, refunds, notification attempts. */
  timeline(transactionId: string, options?: RequestOptions): Promise<TransactionTimelineResponse> {
    return this.http.request('GET', `/transactions/${seg(transactionId)}/timeline`, undefined, options);
  }
}
