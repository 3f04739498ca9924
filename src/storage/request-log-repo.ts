import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type RequestLogRow = Database['requestLog'];

/** The merchants' last API requests (migration 0015), already masked by the writer. */
export class RequestLogRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Appends a batch, then trims each merchant in it to its newest `keep` rows: the table stays bounded however
   * busy a merchant is, at the cost of one DELETE per merchant per batch (off the request path).
   */
  async append(rows: readonly RequestLogRow[], keep: number): Promise<void> {
    if (rows.length === 0) return;
    await this.db.insertInto('requestLog').values(rows).execute();
    for (const merchantId of new Set(rows.map((r) => r.merchantId))) {
      const cutoff = await this.db
        .selectFrom('requestLog')
        .select(['at', 'id'])
        .where('merchantId', '=', merchantId)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .offset(keep - 1)
        .limit(1)
        .executeTakeFirst();
      if (!cutoff) continue;
      await this.db
        .deleteFrom('requestLog')
        .where('merchantId', '=', merchantId)
        .where((eb) =>
          eb.or([eb('at', '<', cutoff.at), eb.and([eb('at', '=', cutoff.at), eb('id', '<', cutoff.id)])]),
        )
        .execute();
    }
  }

  /** Newest first; `merchantId` null: every merchant's (operators). */
  async latest(merchantId: string | null, limit: number): Promise<RequestLogRow[]> {
    let q = this.db.selectFrom('requestLog').selectAll();
    if (merchantId !== null) q = q.where('merchantId', '=', merchantId);
    return q.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }
}
