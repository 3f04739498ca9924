import { sql } from 'kysely';
import { toShop, type ServiceKeys, type Shop } from './merchant-repo.js';
import type { Database } from './schema.js';

type ShopRow = Database['shops'];

/** Every column of a shop, each read under the alias `shop<Column>` beside another table's columns. */
const SHOP_COLUMNS = [
  'id',
  'merchantId',
  'name',
  'serviceKey',
  'serviceKeyVersion',
  'pciEnabled',
  'preauthEnabled',
  'notificationUrl',
  'createdAt',
  'minTransaction',
  'maxTransaction',
  'agreementRequired',
  'retryAttempts',
  'retryWindowDays',
  'noticeDays',
  'testClockAt',
  'testClockTarget',
  'testClockOwner',
  'testClockLeaseUntil',
  'widgetOrigins',
] as const satisfies ReadonlyArray<keyof ShopRow>;
// A column added to shops and not listed above fails the type-check here, rather than reading as undefined.
const everyShopColumn: Exclude<keyof ShopRow, (typeof SHOP_COLUMNS)[number]> extends never ? true : never =
  true;
void everyShopColumn;

/** Each column with its alias, worked out once: a debit maps every column of its shop back per read. */
const ALIASED = SHOP_COLUMNS.map((c) => [c, `shop${c[0]!.toUpperCase()}${c.slice(1)}`] as const);

/**
 * A shop's columns for a statement that reads the shop beside other rows (a join), each as `shop<Column>` so
 * that none collides with theirs; `table` is the shop's alias in the statement.
 */
export function selectShopAs(table: string) {
  return ALIASED.map(([c, alias]) => sql.ref(`${table}.${c}`).as(alias));
}

/** The shop in a row read with {@link selectShopAs}. */
export function shopOfAliases(row: Record<string, unknown>, keys: ServiceKeys): Shop {
  const shopRow = Object.fromEntries(ALIASED.map(([c, alias]) => [c, row[alias]])) as unknown as ShopRow;
  return toShop(shopRow, keys);
}
