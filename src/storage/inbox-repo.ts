import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type InboxRow = Database['inboxMessages'];

/** A position in the newest-first order (received_at, id): the last row of the page before. */
export interface InboxPosition {
  receivedAt: number;
  id: string;
}

/** The sandbox's webhook inbox: what arrived, per merchant. */
export class InboxRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: InboxRow): Promise<void> {
    await this.db.insertInto('inboxMessages').values(row).execute();
  }

  async get(merchantId: string, id: string): Promise<InboxRow | undefined> {
    return this.db
      .selectFrom('inboxMessages')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Newest first, strictly after `before` in that order; `limit` rows. */
  async page(merchantId: string, before: InboxPosition | null, limit: number): Promise<InboxRow[]> {
    let q = this.db
      .selectFrom('inboxMessages')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .orderBy('receivedAt', 'desc')
      .orderBy('id', 'desc')
      .limit(limit);
    if (before) {
      q = q.where((eb) =>
        eb.or([
          eb('receivedAt', '<', before.receivedAt),
          eb.and([eb('receivedAt', '=', before.receivedAt), eb('id', '<', before.id)]),
        ]),
      );
    }
    return q.execute();
  }

  /** Oldest first, strictly later than `after` (the stream's catch-up); `limit` rows. */
  async since(merchantId: string, after: InboxPosition, limit: number): Promise<InboxRow[]> {
    return this.db
      .selectFrom('inboxMessages')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .where((eb) =>
        eb.or([
          eb('receivedAt', '>', after.receivedAt),
          eb.and([eb('receivedAt', '=', after.receivedAt), eb('id', '>', after.id)]),
        ]),
      )
      .orderBy('receivedAt', 'asc')
      .orderBy('id', 'asc')
      .limit(limit)
      .execute();
  }
}
