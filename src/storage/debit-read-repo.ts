import type { Kysely } from 'kysely';
import type { Dialect } from './connect.js';
import type { ServiceKeys, Shop } from './merchant-repo.js';
import { prepared } from './prepared.js';
import {
  profileWithCardOf,
  selectProfileWithCard,
  type ProfileWithCard,
  type ProfileWithCardRow,
} from './profile-repo.js';
import type { Database } from './schema.js';
import { selectShopAs, shopOfAliases } from './shop-columns.js';

/**
 * The shop, and (LEFT JOIN, so a missing profile still returns the shop) the profile with its sealed card,
 * agreement and retry state, in one statement. Arguments: merchant, shop, profile.
 */
const shopAndProfileQuery = prepared((db, arg) =>
  db
    .selectFrom('shops as s')
    .leftJoin(
      selectProfileWithCard(db).where('p.merchantId', '=', arg(0)).where('p.id', '=', arg(2)).as('pw'),
      (join) => join.onTrue(),
    )
    .selectAll('pw')
    .select(selectShopAs('s'))
    .where('s.merchantId', '=', arg(0))
    .where('s.id', '=', arg(1)),
);

/** What a profile debit reads before it stores anything. */
export interface DebitRead {
  shop: Shop | undefined;
  profile: ProfileWithCard | undefined;
}

/**
 * A profile debit's reads, the shop and the profile with its card, in one statement: on PostgreSQL one round
 * trip on one pool connection instead of two, on SQLite one statement instead of two.
 */
export class DebitReadRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly keys: ServiceKeys,
  ) {}

  async read(merchantId: string, serviceId: string, profileId: string): Promise<DebitRead> {
    const [row] = (
      await shopAndProfileQuery.execute(this.db, this.dialect, [merchantId, serviceId, profileId])
    ).rows as unknown as Array<Record<string, unknown>>;
    if (!row) return { shop: undefined, profile: undefined };
    return {
      shop: shopOfAliases(row, this.keys),
      profile: row.id === null ? undefined : profileWithCardOf(row as unknown as ProfileWithCardRow),
    };
  }
}
