import type { ClientOptions } from './client.js';
import { extensionTransport, queryString, transportOf } from './extension.js';
import type { RequestOptions, Transport } from './transport.js';
import type {
  InboxListQuery,
  InboxListResponse,
  InboxMessage,
  InboxMessageResponse,
} from './types/kartoteka-notifications.js';

/**
 * What arrived at a Kartoteka sandbox's webhook inbox (the default notification URL of the sandbox merchant's
 * shops), signature verified or not — a Kartoteka extension, sandbox mode only.
 */
export class Inbox {
  private readonly http: Transport;

  /** Standalone with a {@link KartotekaClient}'s options; `client.inbox` is the same, built from the client's. */
  constructor(options: ClientOptions | Transport) {
    this.http = transportOf(options, (o) => extensionTransport('Inbox', o));
  }

  /** One page, newest first. */
  list(query: InboxListQuery = {}, options?: RequestOptions): Promise<InboxListResponse> {
    return this.http.request(
      'GET',
      `/inbox${queryString({ cursor: query.cursor, limit: query.limit })}`,
      undefined,
      options,
    );
  }

  async *all(options?: RequestOptions): AsyncGenerator<InboxMessage> {
    let cursor: string | undefined;
    do {
      const page = await this.list(cursor ? { cursor, limit: 100 } : { limit: 100 }, options);
      yield* page.messages;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  get(messageId: string, options?: RequestOptions): Promise<InboxMessageResponse> {
    return this.http.request('GET', `/inbox/${encodeURIComponent(messageId)}`, undefined, options);
  }
}
