import type { Kysely } from 'kysely';
import type { Dialect } from './connect.js';
import { prepared } from './prepared.js';
import type { Database } from './schema.js';

export interface Merchant {
  id: string;
  name: string;
  createdAt: number;
}

export interface Shop {
  id: string;
  merchantId: string;
  name: string;
  serviceKey: string;
  pciEnabled: boolean;
  preauthEnabled: boolean;
  notificationUrl: string | null;
  createdAt: number;
  minTransaction: number;
  maxTransaction: number;
}

export interface ApiToken {
  id: string;
  merchantId: string;
  label: string;
  createdAt: number;
  revokedAt: number | null;
}

type ShopRow = Database['shops'];

function toShop(row: ShopRow): Shop {
  return { ...row, pciEnabled: row.pciEnabled === 1, preauthEnabled: row.preauthEnabled === 1 };
}

const getShopQuery = prepared((db, arg) =>
  db.selectFrom('shops').selectAll().where('merchantId', '=', arg(0)).where('id', '=', arg(1)),
);

/** Merchants, their shops and API tokens. */
export class MerchantRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async insertMerchant(merchant: Merchant): Promise<void> {
    await this.db.insertInto('merchants').values(merchant).execute();
  }

  async listMerchants(): Promise<Merchant[]> {
    return this.db.selectFrom('merchants').selectAll().orderBy('createdAt').execute();
  }

  async getMerchant(id: string): Promise<Merchant | undefined> {
    return this.db.selectFrom('merchants').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async countMerchants(): Promise<number> {
    const row = await this.db
      .selectFrom('merchants')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertShop(shop: Shop): Promise<void> {
    await this.db
      .insertInto('shops')
      .values({ ...shop, pciEnabled: shop.pciEnabled ? 1 : 0, preauthEnabled: shop.preauthEnabled ? 1 : 0 })
      .execute();
  }

  async updateShop(
    merchantId: string,
    id: string,
    patch: Partial<
      Pick<
        Shop,
        'pciEnabled' | 'preauthEnabled' | 'notificationUrl' | 'name' | 'minTransaction' | 'maxTransaction'
      >
    >,
  ): Promise<Shop | undefined> {
    const values: Partial<ShopRow> = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.notificationUrl !== undefined) values.notificationUrl = patch.notificationUrl;
    if (patch.pciEnabled !== undefined) values.pciEnabled = patch.pciEnabled ? 1 : 0;
    if (patch.preauthEnabled !== undefined) values.preauthEnabled = patch.preauthEnabled ? 1 : 0;
    if (patch.minTransaction !== undefined) values.minTransaction = patch.minTransaction;
    if (patch.maxTransaction !== undefined) values.maxTransaction = patch.maxTransaction;
    if (Object.keys(values).length > 0) {
      await this.db
        .updateTable('shops')
        .set(values)
        .where('merchantId', '=', merchantId)
        .where('id', '=', id)
        .execute();
    }
    return this.getShop(merchantId, id);
  }

  async getShop(merchantId: string, id: string): Promise<Shop | undefined> {
    const [row] = (await getShopQuery.execute(this.db, this.dialect, [merchantId, id])).rows;
    return row && toShop(row);
  }

  async getShopById(id: string): Promise<Shop | undefined> {
    const row = await this.db.selectFrom('shops').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toShop(row);
  }

  async listShops(merchantId?: string): Promise<Shop[]> {
    let q = this.db.selectFrom('shops').selectAll().orderBy('createdAt');
    if (merchantId) q = q.where('merchantId', '=', merchantId);
    return (await q.execute()).map(toShop);
  }

  async insertToken(token: ApiToken & { tokenHash: string }): Promise<void> {
    await this.db.insertInto('apiTokens').values(token).execute();
  }

  async listTokens(merchantId?: string): Promise<ApiToken[]> {
    let q = this.db
      .selectFrom('apiTokens')
      .select(['id', 'merchantId', 'label', 'createdAt', 'revokedAt'])
      .orderBy('createdAt');
    if (merchantId) q = q.where('merchantId', '=', merchantId);
    return q.execute();
  }

  async revokeToken(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('apiTokens')
      .set({ revokedAt: now })
      .where('id', '=', id)
      .where('revokedAt', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async findTokenByHash(tokenHash: string): Promise<{ merchantId: string; tokenHash: string } | undefined> {
    return this.db
      .selectFrom('apiTokens')
      .select(['merchantId', 'tokenHash'])
      .where('tokenHash', '=', tokenHash)
      .where('revokedAt', 'is', null)
      .executeTakeFirst();
  }
}
