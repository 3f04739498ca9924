import type { Kysely, Selectable } from 'kysely';
import type { Database, WidgetSessionsTable } from './schema.js';

/** A stored widget session: its compare-and-set columns and its JSON document (still a string here). */
export interface WidgetSessionRow {
  idHash: string;
  serviceId: string;
  state: string;
  transactionId: string | null;
  document: string;
  expiresAt: number;
}

/** What a compare-and-set expects to find: the state and transaction a writer read. */
export interface WidgetSessionExpect {
  state: string;
  transactionId: string | null;
}

const COLUMNS = ['idHash', 'serviceId', 'state', 'transactionId', 'document', 'expiresAt'] as const;

function fromRow(r: Pick<Selectable<WidgetSessionsTable>, (typeof COLUMNS)[number]>): WidgetSessionRow {
  return { ...r, expiresAt: Number(r.expiresAt) };
}

export class WidgetSessionRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: WidgetSessionRow, now: number): Promise<void> {
    await this.db
      .insertInto('widgetSessions')
      .values({ ...row, createdAt: now, modifiedAt: now })
      .execute();
  }

  /** One primary-key lookup. */
  async get(idHash: string): Promise<WidgetSessionRow | undefined> {
    const row = await this.db
      .selectFrom('widgetSessions')
      .select(COLUMNS)
      .where('idHash', '=', idHash)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** The session paying `transactionId` (a transaction is paid by at most one opening). */
  async byTransaction(transactionId: string): Promise<WidgetSessionRow | undefined> {
    const row = await this.db
      .selectFrom('widgetSessions')
      .select(COLUMNS)
      .where('transactionId', '=', transactionId)
      .limit(1)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /**
   * Writes the session's next state and document only if it still is as `expect` says: one conditional
   * statement, so of two writers (in any processes) that read the same state, exactly one wins.
   */
  async replace(
    idHash: string,
    expect: WidgetSessionExpect,
    next: { state: string; transactionId: string | null; document: string },
    now: number,
  ): Promise<boolean> {
    let update = this.db
      .updateTable('widgetSessions')
      .set({ ...next, modifiedAt: now })
      .where('idHash', '=', idHash)
      .where('state', '=', expect.state);
    update =
      expect.transactionId === null
        ? update.where('transactionId', 'is', null)
        : update.where('transactionId', '=', expect.transactionId);
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Deletes up to `limit` sessions that nobody can use any more: expired without a payment, or expired more
   * than `retainMs` ago (a session that paid keeps its result page that long). Returns how many went.
   */
  async deleteExpired(now: number, retainMs: number, limit: number): Promise<number> {
    const doomed = this.db
      .selectFrom('widgetSessions')
      .select('idHash')
      .where('expiresAt', '<', now)
      .where((eb) => eb.or([eb('transactionId', 'is', null), eb('expiresAt', '<', now - retainMs)]))
      .orderBy('expiresAt')
      .limit(limit);
    const result = await this.db
      .deleteFrom('widgetSessions')
      .where('idHash', 'in', doomed)
      .where('expiresAt', '<', now)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
