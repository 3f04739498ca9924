import type { Kysely } from 'kysely';
import type { AgreementTerms, AgreementUnit, AgreementUsage } from '../domain/agreement.js';
import type { Currency } from '../domain/money.js';
import type { Dialect } from './connect.js';
import type { Database } from './schema.js';

type Row = Database['agreements'];

/** An agreement as stored: its terms and what ties it to a registration, a profile and a network id. */
export interface Agreement {
  id: string;
  merchantId: string;
  transactionId: string;
  networkTxnId: string | null;
  profileId: string | null;
  terms: AgreementTerms;
  createdAt: number;
  activatedAt: number | null;
}

/** The agreement columns a debit's profile read selects through its LEFT JOIN (prefixed `agr…`). */
export interface AgreementColumns {
  agrId: string | null;
  agrMerchantId: string | null;
  agrTransactionId: string | null;
  agrNetworkTxnId: string | null;
  agrProfileId: string | null;
  agrAmount: number | null;
  agrMaxAmount: number | null;
  agrCurrency: string | null;
  agrIntervalUnit: string | null;
  agrIntervalCount: number | null;
  agrMinDays: number | null;
  agrStartAt: number | null;
  agrExpiresAt: number | null;
  agrMaxCycles: number | null;
  agrCreatedAt: number | null;
  agrActivatedAt: number | null;
}

/** For `selectFrom(... as p).leftJoin('agreements as a', …).select(AGREEMENT_SELECT)`. */
export const AGREEMENT_SELECT = [
  'a.id as agrId',
  'a.merchantId as agrMerchantId',
  'a.transactionId as agrTransactionId',
  'a.networkTxnId as agrNetworkTxnId',
  'a.profileId as agrProfileId',
  'a.amount as agrAmount',
  'a.maxAmount as agrMaxAmount',
  'a.currency as agrCurrency',
  'a.intervalUnit as agrIntervalUnit',
  'a.intervalCount as agrIntervalCount',
  'a.minDays as agrMinDays',
  'a.startAt as agrStartAt',
  'a.expiresAt as agrExpiresAt',
  'a.maxCycles as agrMaxCycles',
  'a.createdAt as agrCreatedAt',
  'a.activatedAt as agrActivatedAt',
] as const;

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function toAgreement(row: Row): Agreement {
  return {
    id: row.id,
    merchantId: row.merchantId,
    transactionId: row.transactionId,
    networkTxnId: row.networkTxnId,
    profileId: row.profileId,
    terms: {
      amount: num(row.amount),
      maxAmount: num(row.maxAmount),
      currency: row.currency as Currency,
      interval:
        row.intervalUnit === null
          ? null
          : { unit: row.intervalUnit as AgreementUnit, count: Number(row.intervalCount ?? 1) },
      minDays: num(row.minDays),
      startAt: num(row.startAt),
      expiresAt: num(row.expiresAt),
      maxCycles: num(row.maxCycles),
    },
    createdAt: Number(row.createdAt),
    activatedAt: num(row.activatedAt),
  };
}

/** The joined columns as an agreement, or undefined when the LEFT JOIN found none. */
export function agreementOfColumns(c: AgreementColumns): Agreement | undefined {
  if (c.agrId === null) return undefined;
  return toAgreement({
    id: c.agrId,
    merchantId: c.agrMerchantId!,
    transactionId: c.agrTransactionId!,
    networkTxnId: c.agrNetworkTxnId,
    profileId: c.agrProfileId,
    amount: c.agrAmount,
    maxAmount: c.agrMaxAmount,
    currency: c.agrCurrency!,
    intervalUnit: c.agrIntervalUnit,
    intervalCount: c.agrIntervalCount,
    minDays: c.agrMinDays,
    startAt: c.agrStartAt,
    expiresAt: c.agrExpiresAt,
    maxCycles: c.agrMaxCycles,
    createdAt: c.agrCreatedAt!,
    activatedAt: c.agrActivatedAt,
  });
}

/** Statuses of a debit that counts against its agreement: taken, held, or still possibly taken. */
export const COUNTED_STATUSES = ['new', 'pending', 'authorized', 'settled'] as const;

/**
 * Recurring agreements and the debits sent under them. The lock (`FOR UPDATE` on PostgreSQL; SQLite's one
 * writer serialises anyway) makes "check the usage, then store the debit" one step per agreement, so two
 * concurrent debits can't both pass a rule only one of them may.
 */
export class AgreementRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async insert(a: Agreement): Promise<void> {
    const t = a.terms;
    await this.db
      .insertInto('agreements')
      .values({
        id: a.id,
        merchantId: a.merchantId,
        transactionId: a.transactionId,
        networkTxnId: a.networkTxnId,
        profileId: a.profileId,
        amount: t.amount,
        maxAmount: t.maxAmount,
        currency: t.currency,
        intervalUnit: t.interval?.unit ?? null,
        intervalCount: t.interval?.count ?? null,
        minDays: t.minDays,
        startAt: t.startAt,
        expiresAt: t.expiresAt,
        maxCycles: t.maxCycles,
        createdAt: a.createdAt,
        activatedAt: a.activatedAt,
      })
      .execute();
  }

  /** The registration was paid: the agreement now binds debits quoting `networkTxnId`. */
  async activate(
    transactionId: string,
    patch: { networkTxnId: string; profileId: string | null; now: number },
  ): Promise<void> {
    await this.db
      .updateTable('agreements')
      .set({ networkTxnId: patch.networkTxnId, profileId: patch.profileId, activatedAt: patch.now })
      .where('transactionId', '=', transactionId)
      .where('activatedAt', 'is', null)
      .execute();
  }

  async findByTransaction(transactionId: string): Promise<Agreement | undefined> {
    const row = await this.db
      .selectFrom('agreements')
      .selectAll()
      .where('transactionId', '=', transactionId)
      .executeTakeFirst();
    return row && toAgreement(row);
  }

  /** The binding agreement of a first payment's network id; `lock` takes the row for this transaction. */
  async findByNetworkTxnId(
    merchantId: string,
    networkTxnId: string,
    lock = false,
  ): Promise<Agreement | undefined> {
    let q = this.db
      .selectFrom('agreements')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .where('networkTxnId', '=', networkTxnId);
    if (lock && this.dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row && toAgreement(row);
  }

  /** Takes the agreement's row until the end of the database transaction (PostgreSQL; SQLite needs nothing). */
  async lock(id: string): Promise<void> {
    if (this.dialect !== 'postgres') return;
    await this.db.selectFrom('agreements').select('id').where('id', '=', id).forUpdate().execute();
  }

  /** How many debits count against the agreement, and when the latest of them was made. */
  async usage(agreementId: string): Promise<AgreementUsage> {
    const row = await this.db
      .selectFrom('agreementDebits as d')
      .innerJoin('transactions as t', 't.id', 'd.transactionId')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('d.createdAt').as('last')])
      .where('d.agreementId', '=', agreementId)
      .where('t.status', 'in', [...COUNTED_STATUSES])
      .executeTakeFirst();
    const last = row?.last ?? null;
    return { cycles: Number(row?.n ?? 0), lastDebitAt: last === null ? null : Number(last) };
  }

  async recordDebit(agreementId: string, transactionId: string, createdAt: number): Promise<void> {
    await this.db.insertInto('agreementDebits').values({ agreementId, transactionId, createdAt }).execute();
  }
}
