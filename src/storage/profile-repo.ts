import type { Kysely } from 'kysely';
import { advisoryLock, LOCK_NAMESPACE } from './advisory-lock.js';
import type { CardBrand } from '../domain/card.js';
import type { PaymentProfile } from '../domain/profile.js';
import type { ProfileType } from '../domain/transaction.js';
import type { CardRetryState } from '../domain/reattempt.js';
import type { SealedCard } from '../vault/sealed-card.js';
import { toRetryState } from './card-retry-repo.js';
import type { Dialect } from './connect.js';
import { agreementOfColumns, AGREEMENT_SELECT, type Agreement } from './agreement-repo.js';
import { prepared } from './prepared.js';
import type { Database } from './schema.js';

type Row = Database['paymentProfiles'];

export function selectProfiles(db: Kysely<Database>) {
  return db
    .selectFrom('paymentProfiles as p')
    .innerJoin('cards as c', 'c.id', 'p.cardId')
    .selectAll('p')
    .select(['c.last4', 'c.month', 'c.year', 'c.brand']);
}

/** Serialises the registrations of one cid (`listByCidForUpdate`). */
const lockCidQuery = advisoryLock(LOCK_NAMESPACE.cid);

const getProfileQuery = prepared((db, arg) =>
  selectProfiles(db).where('p.merchantId', '=', arg(0)).where('p.id', '=', arg(1)),
);

/**
 * The profile, its whole sealed card, its recurring agreement (if any) and the card's retry state (its
 * recent declines, if any) in one read: what a debit needs, without a second lookup. The agreement is the
 * one its current registration declared (LEFT JOIN on the unique (merchant, network id) index); the retry
 * state is keyed by (merchant, fingerprint). A shop using neither pays two empty index probes, no round trip.
 * Without a WHERE: the caller picks the profile (here, and with its shop in PaymentReadRepo).
 */
export function selectProfileWithCard(db: Kysely<Database>) {
  return selectProfiles(db)
    .leftJoin('agreements as a', (j) =>
      j.onRef('a.merchantId', '=', 'p.merchantId').onRef('a.networkTxnId', '=', 'p.firstTransactionId'),
    )
    .leftJoin('cardRetryStates as r', (j) =>
      j.onRef('r.merchantId', '=', 'p.merchantId').onRef('r.fingerprint', '=', 'p.fingerprint'),
    )
    .select(AGREEMENT_SELECT)
    .select([
      'r.modifiedAt as retryModifiedAt',
      'r.lastDeclineAt as retryLastDeclineAt',
      'r.declineClass as retryDeclineClass',
      'r.retryAfter as retryRetryAfter',
      'r.hardDeclinedAt as retryHardDeclinedAt',
      'r.declinedExpiry as retryDeclinedExpiry',
      'r.windowStartedAt as retryWindowStartedAt',
      'r.reattempts as retryReattempts',
      'r.reattemptInFlight as retryReattemptInFlight',
      'c.merchantId as cardMerchantId',
      'c.fingerprint as cardFingerprint',
      'c.keyVersion as cardKeyVersion',
      'c.wrappedKey as cardWrappedKey',
      'c.encryptedPan as cardEncryptedPan',
      'c.firstName as cardFirstName',
      'c.lastName as cardLastName',
      'c.createdAt as cardCreatedAt',
    ]);
}

const getProfileWithCardQuery = prepared((db, arg) =>
  selectProfileWithCard(db).where('p.merchantId', '=', arg(0)).where('p.id', '=', arg(1)),
);

/** A row of {@link selectProfileWithCard}. */
export type ProfileWithCardRow = Awaited<
  ReturnType<ReturnType<typeof selectProfileWithCard>['executeTakeFirstOrThrow']>
>;

export function toProfile(
  row: Row & { last4: string; month: string; year: string; brand: string },
): PaymentProfile {
  return {
    id: row.id,
    merchantId: row.merchantId,
    serviceId: row.serviceId,
    cid: row.cid,
    type: row.type as ProfileType,
    isActive: row.isActive === 1,
    cardId: row.cardId,
    fingerprint: row.fingerprint,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    maskedNumber: `****${row.last4}`,
    month: row.month,
    year: row.year,
    organization: row.brand,
    firstTransactionId: row.firstTransactionId,
    createdAt: row.createdAt,
    modifiedAt: row.modifiedAt,
  };
}

export function profileWithCardOf(row: ProfileWithCardRow): ProfileWithCard {
  return {
    profile: toProfile(row),
    agreement: agreementOfColumns(row),
    retry:
      row.retryModifiedAt === null
        ? undefined
        : toRetryState({
            lastDeclineAt: row.retryLastDeclineAt,
            declineClass: row.retryDeclineClass,
            retryAfter: row.retryRetryAfter,
            hardDeclinedAt: row.retryHardDeclinedAt,
            declinedExpiry: row.retryDeclinedExpiry,
            windowStartedAt: row.retryWindowStartedAt,
            reattempts: row.retryReattempts ?? 0,
            reattemptInFlight: row.retryReattemptInFlight,
          }),
    card: {
      id: row.cardId,
      merchantId: row.cardMerchantId,
      fingerprint: row.cardFingerprint,
      keyVersion: row.cardKeyVersion,
      wrappedKey: row.cardWrappedKey,
      encryptedPan: row.cardEncryptedPan,
      brand: row.brand as CardBrand,
      last4: row.last4,
      month: row.month,
      year: row.year,
      firstName: row.cardFirstName,
      lastName: row.cardLastName,
      createdAt: row.cardCreatedAt,
    },
  };
}

/** Profiles hold the card's display data through a join on cards, so a refresh only swaps card_id. */
/** A profile with its sealed card, the agreement its registration declared and its card's retry state. */
export interface ProfileWithCard {
  profile: PaymentProfile;
  card: SealedCard;
  agreement?: Agreement | undefined;
  retry: CardRetryState | undefined;
}

export class ProfileRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  private select() {
    return selectProfiles(this.db);
  }

  async insertProfile(p: Omit<Row, never>): Promise<void> {
    await this.db.insertInto('paymentProfiles').values(p).execute();
  }

  async getProfile(merchantId: string, id: string): Promise<PaymentProfile | undefined> {
    const [row] = (await getProfileQuery.execute(this.db, this.dialect, [merchantId, id])).rows;
    return row && toProfile(row);
  }

  /** The profile with its sealed card (for the vault to open), in one statement. */
  async getProfileWithCard(merchantId: string, id: string): Promise<ProfileWithCard | undefined> {
    const [row] = (await getProfileWithCardQuery.execute(this.db, this.dialect, [merchantId, id])).rows;
    return row && profileWithCardOf(row);
  }

  /** {@link getProfileWithCard} for several profiles in one statement (whatever their merchants); found ones only. */
  async getProfilesWithCard(ids: readonly string[]): Promise<ProfileWithCard[]> {
    if (ids.length === 0) return [];
    const rows = await selectProfileWithCard(this.db)
      .where('p.id', 'in', [...new Set(ids)])
      .execute();
    return rows.map(profileWithCardOf);
  }

  async listByCid(merchantId: string, cid: string): Promise<PaymentProfile[]> {
    const rows = await this.byCid(merchantId, cid).execute();
    return rows.map((r) => toProfile(r));
  }

  /**
   * {@link listByCid}, and the cid's profiles stay as read until the caller's transaction ends. PostgreSQL: the
   * cid itself is locked first (a transaction-scoped advisory lock, which holds even while it has no profile,
   * so two registrations of a new cid take turns instead of both inserting one), then its rows (a deactivation
   * waits; one committed before is seen). The read is a statement of its own after the lock, so that it sees
   * what the transaction before it committed. SQLite has one writer: what a transaction read stays as read.
   * Call inside a transaction.
   */
  async listByCidForUpdate(merchantId: string, cid: string): Promise<PaymentProfile[]> {
    const query = this.byCid(merchantId, cid);
    if (this.dialect !== 'postgres') return (await query.execute()).map((r) => toProfile(r));
    await lockCidQuery.execute(this.db, this.dialect, [merchantId, cid]);
    return (await query.forUpdate('p').execute()).map((r) => toProfile(r));
  }

  private byCid(merchantId: string, cid: string) {
    return this.select()
      .where('p.merchantId', '=', merchantId)
      .where('p.cid', '=', cid)
      .orderBy('p.createdAt')
      .orderBy('p.id');
  }

  /** Same card registered again: point the profile at the new card record (new expiry, holder). */
  async refresh(
    id: string,
    patch: Pick<Row, 'cardId' | 'firstName' | 'lastName' | 'email' | 'firstTransactionId' | 'modifiedAt'>,
  ): Promise<void> {
    await this.db.updateTable('paymentProfiles').set(patch).where('id', '=', id).execute();
  }

  /** Deactivation is final; returns whether this call changed anything. */
  async deactivate(merchantId: string, id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('paymentProfiles')
      .set({ isActive: 0, modifiedAt: now })
      .where('merchantId', '=', merchantId)
      .where('id', '=', id)
      .where('isActive', '=', 1)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async countProfiles(): Promise<number> {
    const row = await this.db
      .selectFrom('paymentProfiles')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
