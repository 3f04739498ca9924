import type { Kysely } from 'kysely';
import type { PaymentProfile } from '../domain/profile.js';
import type { Dialect } from './connect.js';
import type { ServiceKeys, Shop } from './merchant-repo.js';
import { prepared } from './prepared.js';
import { selectProfiles, toProfile } from './profile-repo.js';
import type { Database } from './schema.js';
import { selectShopAs, shopOfAliases } from './shop-columns.js';

/**
 * The shop, and (LEFT JOIN: a cid with no profile still returns the shop) every profile of the cid, oldest
 * first as `ProfileRepo.listByCid` lists them, in one statement. Arguments: merchant, shop, cid.
 */
const shopAndCidQuery = prepared((db, arg) =>
  db
    .selectFrom('shops as s')
    .leftJoin(
      selectProfiles(db).where('p.merchantId', '=', arg(0)).where('p.cid', '=', arg(2)).as('pc'),
      (join) => join.onTrue(),
    )
    .selectAll('pc')
    .select(selectShopAs('s'))
    .where('s.merchantId', '=', arg(0))
    .where('s.id', '=', arg(1))
    .orderBy('pc.createdAt')
    .orderBy('pc.id'),
);

/** What a card registration reads before it stores anything. */
export interface RegistrationRead {
  shop: Shop | undefined;
  /** The cid's profiles (to refuse a cid bound to another card before charging). */
  profiles: PaymentProfile[];
}

/**
 * A registration's reads, its shop and its cid's profiles, in one statement: on PostgreSQL one round trip
 * instead of two, on SQLite one statement instead of two.
 */
export class RegistrationReadRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly keys: ServiceKeys,
  ) {}

  async read(merchantId: string, serviceId: string, cid: string): Promise<RegistrationRead> {
    const rows = (await shopAndCidQuery.execute(this.db, this.dialect, [merchantId, serviceId, cid]))
      .rows as unknown as Array<Record<string, unknown>>;
    const [first] = rows;
    if (!first) return { shop: undefined, profiles: [] };
    return {
      shop: shopOfAliases(first, this.keys),
      profiles: rows
        .filter((row) => row.id !== null)
        .map((row) => toProfile(row as unknown as Parameters<typeof toProfile>[0])),
    };
  }
}
