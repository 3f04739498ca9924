import type { Kysely } from 'kysely';
import type { ServiceKeyBox } from '../vault/service-key-box.js';
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
  /** In clear here; stored sealed (see ServiceKeyBox). */
  serviceKey: string;
  pciEnabled: boolean;
  preauthEnabled: boolean;
  notificationUrl: string | null;
  createdAt: number;
  minTransaction: number;
  maxTransaction: number;
  /** Recurring registrations must declare an agreement (issue 15); absent means false. */
  agreementRequired?: boolean;
  /** Recurring settings (src/domain/dunning-policy.ts). */
  retryAttempts: number;
  retryWindowDays: number;
  noticeDays: number;
  /**
   * The shop's test clock (sandbox only): the frozen time its payments, expiries and notifications use, or
   * null/absent for real time. Read with the shop row, so a shop without one costs nothing more.
   */
  testClockAt?: number | null;
  /**
   * The origins (bare scheme://host[:port]) whose pages may open and frame the shop's widget; null or absent:
   * any page may (the widget then trusts the origin its opener declares).
   */
  widgetOrigins?: string[] | null;
}

export interface ApiToken {
  id: string;
  merchantId: string;
  label: string;
  createdAt: number;
  revokedAt: number | null;
}

type ShopRow = Database['shops'];

/** A serviceKey as stored; `version` null means still in clear (sealed at the next gateway start). */
export interface StoredServiceKey {
  shopId: string;
  serviceKey: string;
  version: number | null;
}

/** The master key that seals serviceKeys; absent in a process that has not loaded the key file. */
export type ServiceKeys = () => ServiceKeyBox | null;

export function toShop(row: ShopRow, keys: ServiceKeys): Shop {
  // The advance's bookkeeping stays in the test-clock repository; a shop carries only its time.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- dropped from the shop on purpose
  const { serviceKeyVersion, testClockTarget, testClockOwner, testClockLeaseUntil, ...rest } = row;
  let serviceKey = row.serviceKey;
  if (serviceKeyVersion !== null) {
    const box = keys();
    if (!box) throw new Error(`shop ${row.id}: its serviceKey is sealed and this process has no master key`);
    serviceKey = box.open(row.id, { sealed: row.serviceKey, version: serviceKeyVersion });
  }
  return {
    ...rest,
    testClockAt: rest.testClockAt === null ? null : Number(rest.testClockAt),
    serviceKey,
    pciEnabled: row.pciEnabled === 1,
    preauthEnabled: row.preauthEnabled === 1,
    agreementRequired: row.agreementRequired === 1,
    widgetOrigins: row.widgetOrigins ? row.widgetOrigins.split(' ') : null,
  };
}

const getShopQuery = prepared((db, arg) =>
  db.selectFrom('shops').selectAll().where('merchantId', '=', arg(0)).where('id', '=', arg(1)),
);

/** Merchants, their shops and API tokens. */
export class MerchantRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly keys: ServiceKeys = () => null,
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

  /**
   * Stores the serviceKey sealed. A process without the master key (provisioning before the first start)
   * stores it in clear with a NULL version, and the gateway seals it when it starts.
   */
  async insertShop(shop: Shop): Promise<void> {
    const sealed = this.keys()?.seal(shop.id, shop.serviceKey);
    await this.db
      .insertInto('shops')
      .values({
        ...shop,
        serviceKey: sealed ? sealed.sealed : shop.serviceKey,
        serviceKeyVersion: sealed ? sealed.version : null,
        pciEnabled: shop.pciEnabled ? 1 : 0,
        preauthEnabled: shop.preauthEnabled ? 1 : 0,
        agreementRequired: shop.agreementRequired ? 1 : 0,
        widgetOrigins: shop.widgetOrigins?.length ? shop.widgetOrigins.join(' ') : null,
      })
      .execute();
  }

  /** serviceKeys in clear or sealed under a version below `belowVersion`, for sealing and re-sealing. */
  async listServiceKeysToSeal(belowVersion: number, limit: number): Promise<StoredServiceKey[]> {
    const rows = await this.db
      .selectFrom('shops')
      .select(['id', 'serviceKey', 'serviceKeyVersion'])
      .where((eb) => eb.or([eb('serviceKeyVersion', 'is', null), eb('serviceKeyVersion', '<', belowVersion)]))
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ shopId: r.id, serviceKey: r.serviceKey, version: r.serviceKeyVersion }));
  }

  /**
   * Replaces a stored serviceKey only if it is still `was` (another instance may have sealed it first);
   * returns whether this call did.
   */
  async replaceServiceKey(
    was: StoredServiceKey,
    now: { serviceKey: string; version: number },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('shops')
      .set({ serviceKey: now.serviceKey, serviceKeyVersion: now.version })
      .where('id', '=', was.shopId)
      .where('serviceKey', '=', was.serviceKey)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Master key versions that sealed at least one serviceKey. */
  async serviceKeyVersions(): Promise<number[]> {
    const rows = await this.db
      .selectFrom('shops')
      .select('serviceKeyVersion')
      .distinct()
      .where('serviceKeyVersion', 'is not', null)
      .execute();
    return rows.map((r) => Number(r.serviceKeyVersion));
  }

  async updateShop(
    merchantId: string,
    id: string,
    patch: Partial<
      Pick<
        Shop,
        | 'pciEnabled'
        | 'preauthEnabled'
        | 'notificationUrl'
        | 'name'
        | 'minTransaction'
        | 'maxTransaction'
        | 'agreementRequired'
        | 'retryAttempts'
        | 'retryWindowDays'
        | 'noticeDays'
        | 'widgetOrigins'
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
    if (patch.agreementRequired !== undefined) values.agreementRequired = patch.agreementRequired ? 1 : 0;
    if (patch.retryAttempts !== undefined) values.retryAttempts = patch.retryAttempts;
    if (patch.retryWindowDays !== undefined) values.retryWindowDays = patch.retryWindowDays;
    if (patch.noticeDays !== undefined) values.noticeDays = patch.noticeDays;
    if (patch.widgetOrigins !== undefined)
      values.widgetOrigins = patch.widgetOrigins?.length ? patch.widgetOrigins.join(' ') : null;
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
    return row && toShop(row, this.keys);
  }

  async getShopById(id: string): Promise<Shop | undefined> {
    const row = await this.db.selectFrom('shops').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toShop(row, this.keys);
  }

  async listShops(merchantId?: string): Promise<Shop[]> {
    let q = this.db.selectFrom('shops').selectAll().orderBy('createdAt');
    if (merchantId) q = q.where('merchantId', '=', merchantId);
    return (await q.execute()).map((row) => toShop(row, this.keys));
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
