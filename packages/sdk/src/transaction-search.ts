import { Transport, type RequestOptions } from './transport.js';
import type {
  ListedTransaction,
  TransactionListFilter,
  TransactionListResponse,
  TransactionTimelineResponse,
} from './types/transaction-list.js';

export interface TransactionSearchOptions {
  merchantId: string;
  token: string;
  /**
   * The gateway, e.g. `http://localhost:8080`: this is Kartoteka's own extension
   * (`/kartoteka/v1/merchant/{merchantId}`), not part of imoje's API. A base ending in `/v1/merchant` (what
   * {@link KartotekaClient} takes) works too.
   */
  baseUrl: string;
  maxRetries?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
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

  constructor(options: TransactionSearchOptions) {
    if (!options.merchantId) throw new TypeError('TransactionSearch: merchantId is required');
    if (!options.token) throw new TypeError('TransactionSearch: token is required');
    if (!options.baseUrl)
      throw new TypeError('TransactionSearch: baseUrl (the Kartoteka gateway) is required');
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function')
      throw new TypeError('TransactionSearch: no global fetch; pass options.fetch');
    const gateway = options.baseUrl.replace(/\/+$/, '').replace(/\/v1\/merchant$/, '');
    this.http = new Transport({
      root: `${gateway}/kartoteka/v1/merchant/${seg(options.merchantId)}`,
      token: options.token,
      fetch: options.fetch ?? fetchImpl.bind(globalThis),
      maxRetries: options.maxRetries ?? 2,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 8000,
      timeoutMs: options.timeoutMs ?? 30_000,
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
