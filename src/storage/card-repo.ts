import type { Kysely } from 'kysely';
import type { CardBrand } from '../domain/card.js';
import type { CardStore, SealedCard } from '../vault/sealed-card.js';
import type { Database } from './schema.js';

export class CardRepo implements CardStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insertCard(card: SealedCard): Promise<void> {
    await this.db.insertInto('cards').values(card).execute();
  }

  async getCard(id: string): Promise<SealedCard | undefined> {
    const row = await this.db.selectFrom('cards').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { ...row, brand: row.brand as CardBrand };
  }

  async listCardsForRewrap(belowVersion: number, limit: number): Promise<SealedCard[]> {
    const rows = await this.db
      .selectFrom('cards')
      .selectAll()
      .where('keyVersion', '<', belowVersion)
      .limit(limit)
      .execute();
    return rows.map((row) => ({ ...row, brand: row.brand as CardBrand }));
  }

  async updateWrappedKey(card: SealedCard): Promise<void> {
    await this.db
      .updateTable('cards')
      .set({ wrappedKey: card.wrappedKey, keyVersion: card.keyVersion })
      .where('id', '=', card.id)
      .execute();
  }

  /** Master key versions that wrap at least one card's data key. */
  async cardKeyVersions(): Promise<number[]> {
    const rows = await this.db.selectFrom('cards').select('keyVersion').distinct().execute();
    return rows.map((r) => Number(r.keyVersion));
  }

  /** Anything sealed with a master key (the canary, a card, a sealed serviceKey): then no new key may be made. */
  async holdsSealedData(): Promise<boolean> {
    const [canary, card, shop] = await Promise.all([
      this.db.selectFrom('vaultCanary').select('id').limit(1).executeTakeFirst(),
      this.db.selectFrom('cards').select('id').limit(1).executeTakeFirst(),
      this.db
        .selectFrom('shops')
        .select('id')
        .where('serviceKeyVersion', 'is not', null)
        .limit(1)
        .executeTakeFirst(),
    ]);
    return canary !== undefined || card !== undefined || shop !== undefined;
  }

  /** Re-seals the canary under a newer master key (a rotation), so an older version can be retired. */
  async replaceCanary(sealed: string): Promise<void> {
    await this.db.updateTable('vaultCanary').set({ sealed }).where('id', '=', 'canary').execute();
  }

  /** The vault's canary: a known value sealed with the master key, to detect a mismatched key at start-up. */
  async getCanary(): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('vaultCanary')
      .select('sealed')
      .where('id', '=', 'canary')
      .executeTakeFirst();
    return row?.sealed;
  }

  async insertCanary(sealed: string, now: number): Promise<void> {
    await this.db
      .insertInto('vaultCanary')
      .values({ id: 'canary', sealed, createdAt: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}
