import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type DashboardSessionRow = Database['dashboardSessions'];

/** Signed-in dashboard browsers (migration 0015); the cookie itself is never stored, only its hash. */
export class DashboardSessionRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(row: DashboardSessionRow): Promise<void> {
    await this.db.insertInto('dashboardSessions').values(row).execute();
  }

  /** A live session; a merchant's only while the token it was opened with is not revoked (one query). */
  async find(idHash: string, now: number): Promise<DashboardSessionRow | undefined> {
    return this.db
      .selectFrom('dashboardSessions as s')
      .selectAll('s')
      .where('s.idHash', '=', idHash)
      .where('s.expiresAt', '>', now)
      .where((eb) =>
        eb.or([
          eb('s.operator', '=', 1),
          eb.exists(
            eb
              .selectFrom('apiTokens as t')
              .select('t.id')
              .whereRef('t.tokenHash', '=', 's.tokenHash')
              .whereRef('t.merchantId', '=', 's.merchantId')
              .where('t.revokedAt', 'is', null),
          ),
        ]),
      )
      .executeTakeFirst();
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('dashboardSessions').where('idHash', '=', idHash).execute();
  }

  /** Sessions past their expiry: removed at each sign-in, so the table holds only live ones. */
  async purgeExpired(now: number): Promise<void> {
    await this.db.deleteFrom('dashboardSessions').where('expiresAt', '<=', now).execute();
  }
}
