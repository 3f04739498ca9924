import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type DashboardSessionRow = Database['dashboardSessions'];

/** Signed-in dashboard browsers (migration 0015); the cookie itself is never stored, only its hash. */
export class DashboardSessionRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(row: DashboardSessionRow): Promise<void> {
    await this.db.insertInto('dashboardSessions').values(row).execute();
  }

  async find(idHash: string, now: number): Promise<DashboardSessionRow | undefined> {
    return this.db
      .selectFrom('dashboardSessions')
      .selectAll()
      .where('idHash', '=', idHash)
      .where('expiresAt', '>', now)
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
