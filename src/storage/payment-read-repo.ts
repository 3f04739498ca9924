import type { Kysely } from 'kysely';
import type { PaymentProfile } from '../domain/profile.js';
import type { Dialect } from './connect.js';
import type { ServiceKeys, Shop } from './merchant-repo.js';
import { prepared } from './prepared.js';
import {
  profileWithCardOf,
  selectProfiles,
  selectProfileWithCard,
  toProfile,
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

/** What a profile debit reads before it stores anything. */
export interface DebitRead {
  shop: Shop | undefined;
  profile: ProfileWithCard | undefined;
}

/** What a card registration reads before it stores anything. */
export interface RegistrationRead {
  shop: Shop | undefined;
  /** The cid's profiles (to refuse a cid bound to another card before charging). */
  profiles: PaymentProfile[];
}

type AliasedRow = Record<string, unknown>;

/**
 * What a payment reads before it stores anything, its shop with the rows it needs beside it, in one statement:
 * on PostgreSQL one round trip instead of two, on SQLite one statement instead of two.
 */
export class PaymentReadRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly keys: ServiceKeys,
  ) {}

  /** A profile debit: the shop and the profile with its sealed card, agreement and retry state. */
  async debit(merchantId: string, serviceId: string, profileId: string): Promise<DebitRead> {
    const { rows } = await shopAndProfileQuery.execute(this.db, this.dialect, [
      merchantId,
      serviceId,
      profileId,
    ]);
    const [row] = rows as unknown as AliasedRow[];
    if (!row) return { shop: undefined, profile: undefined };
    return {
      shop: shopOfAliases(row, this.keys),
      profile: row.id === null ? undefined : profileWithCardOf(row as unknown as ProfileWithCardRow),
    };
  }

  /** A card registration: the shop and the cid's profiles. */
  async registration(merchantId: string, serviceId: string, cid: string): Promise<RegistrationRead> {
    const { rows } = await shopAndCidQuery.execute(this.db, this.dialect, [merchantId, serviceId, cid]);
    const aliased = rows as unknown as AliasedRow[];
    const [first] = aliased;
    if (!first) return { shop: undefined, profiles: [] };
    return {
      shop: shopOfAliases(first, this.keys),
      profiles: aliased
        .filter((row) => row.id !== null)
        .map((row) => toProfile(row as unknown as Parameters<typeof toProfile>[0])),
    };
  }
}
