import type { ClientOptions } from './client.js';
import { extensionTransport, queryString, transportOf } from './extension.js';
import type { RequestOptions, Transport } from './transport.js';
import type {
  NotificationListQuery,
  NotificationListResponse,
  NotificationResponse,
} from './types/kartoteka-notifications.js';

/**
 * The notifications Kartoteka sent (or is sending) a merchant's shops, with every delivery attempt — a
 * Kartoteka extension, not part of imoje's API. Same options as {@link KartotekaClient} (the gateway's baseUrl).
 */
export class Notifications {
  private readonly http: Transport;

  /** Standalone with a {@link KartotekaClient}'s options; `client.notifications` is the same, built from the client's. */
  constructor(options: ClientOptions | Transport) {
    this.http = transportOf(options, (o) => extensionTransport('Notifications', o));
  }

  /** One page, newest first; pass `nextCursor` back as `cursor` for the next. */
  list(query: NotificationListQuery = {}, options?: RequestOptions): Promise<NotificationListResponse> {
    const q = queryString({
      transactionId: query.transactionId,
      status: query.status,
      from: query.from,
      to: query.to,
      cursor: query.cursor,
      limit: query.limit,
    });
    return this.http.request('GET', `/notifications${q}`, undefined, options);
  }

  /** Every page in turn. */
  async *all(query: Omit<NotificationListQuery, 'cursor'> = {}, options?: RequestOptions) {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...query, ...(cursor ? { cursor } : {}) }, options);
      yield* page.notifications;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  get(notificationId: string, options?: RequestOptions): Promise<NotificationResponse> {
    return this.http.request(
      'GET',
      `/notifications/${encodeURIComponent(notificationId)}`,
      undefined,
      options,
    );
  }

  /** Sends it again now (the same signed body); the delivery is recorded as one more attempt. */
  resend(notificationId: string, options?: RequestOptions): Promise<NotificationResponse> {
    return this.http.request(
      'POST',
      `/notifications/${encodeURIComponent(notificationId)}/resend`,
      undefined,
      options,
    );
  }
}
