import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Currency } from '../domain/money.js';
import { EventRepo, type TransactionEventRow } from './event-repo.js';
import type {
  Customer,
  Initiator,
  PaymentMethodCode,
  ProfileType,
  ProfileVariant,
  Transaction,
  TransactionSource,
  TransactionStage,
  TransactionStatus,
  TransactionType,
} from '../domain/transaction.js';
import type { CardRetryState } from '../domain/reattempt.js';
import type { SealedCard } from '../vault/sealed-card.js';
import { CardRepo } from './card-repo.js';
import { RETRY_STATE_COLUMNS } from './card-retry-repo.js';
import type { Dialect } from './connect.js';
import { ENQUEUED, NotificationRepo, type NotificationRow } from './notification-repo.js';
import { prepared } from './prepared.js';
import { AttemptTakenError, ScheduleRepo, type ScheduleAttemptRow } from './schedule-repo.js';
import type { Database } from './schema.js';

type Row = Database['transactions'];

/** Every column, in one fixed order: the prepared INSERT binds them by position. */
const COLUMNS = [
  'id',
  'merchantId',
  'serviceId',
  'type',
  'status',
  'stage',
  'source',
  'amount',
  'currency',
  'orderId',
  'title',
  'paymentMethodCode',
  'notificationUrl',
  'successReturnUrl',
  'failureReturnUrl',
  'customer',
  'cardId',
  'profileId',
  'registers',
  'profileVariant',
  'initiator',
  'statusCode',
  'networkTxnId',
  'quotedNetworkTxnId',
  'parentId',
  'createdAt',
  'modifiedAt',
  'challengeExpiresAt',
  'acquirerDeadline',
  'authorizedAmount',
  'cid',
] as const satisfies ReadonlyArray<keyof Row>;

// A compile-time check that COLUMNS lists every column of the table.
type Missing = Exclude<keyof Row, (typeof COLUMNS)[number]>;
const everyColumn: [Missing] extends [never] ? true : Missing = true;
void everyColumn;

const insertQuery = prepared((db, arg) =>
  db
    .insertInto('transactions')
    .values(Object.fromEntries(COLUMNS.map((column, i) => [column, arg(i)])) as unknown as Row),
);

const snake = (column: string) => column.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * What a profile debit's INSERT re-checks of the card's retry state: nothing (a customer-initiated debit, which
 * the schemes' reattempt rules don't limit), that the card has none (`absent`), that it is still, column for
 * column, the state the debit was allowed on (`same`), or — a reattempt — that and, in the same statement, the
 * card's reattempt marker set to this debit (`claim`): two reattempts of one card are never with the acquirer
 * at once. On PostgreSQL the claim is an UPDATE, so a concurrent claim of the card waits for the row, then
 * finds it changed (EvalPlanQual re-checks the WHERE) and stores nothing.
 */
type RetryCheck = 'none' | 'absent' | 'same' | 'claim';

/**
 * The pending row of a profile debit, stored only while its profile is still active and still holds the card
 * the debit read — and, for a merchant-initiated debit, while the card's retry state is still the one its
 * reattempt rules were checked against: one statement, so on PostgreSQL it needs no transaction around it (no
 * BEGIN/COMMIT round trips), and a deactivation, a card refresh or a decline of the card committed after the
 * debit read the profile is still seen — the row is then not stored. `INSERT … SELECT` takes the parameters'
 * types from the target columns (PostgreSQL). Arguments: the COLUMNS in order, then the profile's id, merchant
 * and card, then (a retry check) the merchant and the card's fingerprint, and (`same`, `claim`) the
 * RETRY_STATE_COLUMNS' values. `ctes` are the statement's data-modifying CTEs (the claim's UPDATE, PostgreSQL), which
 * must stay at the top level of a statement that adds its own.
 */
function insertIfProfileSql(
  dialect: Dialect,
  check: RetryCheck,
): { ctes: string[]; insert: string; parameters: number } {
  let n = 0;
  const p = dialect === 'postgres' ? () => `$${++n}` : () => '?';
  const values = COLUMNS.map(() => p()).join(', ');
  const [profile, merchant, card] = [p(), p(), p()];
  const profileHolds =
    `exists (select 1 from payment_profiles ` +
    `where id = ${profile} and merchant_id = ${merchant} and is_active = 1 and card_id = ${card})`;
  const insert = `insert into transactions (${COLUMNS.map(snake).join(', ')}) select ${values} where `;
  if (check === 'none') return { ctes: [], insert: insert + profileHolds, parameters: n };
  const key = `merchant_id = ${p()} and fingerprint = ${p()}`;
  if (check === 'absent') {
    const absent = `not exists (select 1 from card_retry_states where ${key})`;
    return { ctes: [], insert: `${insert}${profileHolds} and ${absent}`, parameters: n };
  }
  const same = dialect === 'postgres' ? 'is not distinct from' : 'is';
  const unchanged = `${key}${RETRY_STATE_COLUMNS.map((c) => ` and ${snake(c)} ${same} ${p()}`).join('')}`;
  if (check === 'same') {
    const stillSame = `exists (select 1 from card_retry_states where ${unchanged})`;
    return { ctes: [], insert: `${insert}${profileHolds} and ${stillSame}`, parameters: n };
  }
  if (dialect === 'sqlite') throw new Error('SQLite claims a reattempt in two statements (claimSqlite)');
  // The transaction's own id and creation time, from COLUMNS' parameters.
  const id = `$${COLUMNS.indexOf('id') + 1}`;
  const created = `$${COLUMNS.indexOf('createdAt') + 1}`;
  const claim =
    `claim as (update card_retry_states set reattempt_in_flight = ${id}, modified_at = ${created} ` +
    `where ${unchanged} and ${profileHolds} returning 1)`;
  return { ctes: [claim], insert: `${insert}exists (select 1 from claim)`, parameters: n };
}

const withCtes = (ctes: string[], statement: string): string =>
  ctes.length ? `with ${ctes.join(', ')} ${statement}` : statement;

const RETRY_CHECKS = ['none', 'absent', 'same', 'claim'] as const;

/** One statement text per retry check. */
const perCheck = (text: (check: RetryCheck) => string) =>
  Object.fromEntries(RETRY_CHECKS.map((check) => [check, text(check)])) as Record<RetryCheck, string>;

/** SQLite runs a claim as its UPDATE, then the `none` INSERT (see claimSqlite). */
const sqliteText = (check: RetryCheck): string => {
  if (check === 'claim') return '';
  const { insert } = insertIfProfileSql('sqlite', check);
  return insert;
};

const INSERT_IF_PROFILE: Record<Dialect, Record<RetryCheck, string>> = {
  postgres: perCheck((check) => {
    const { ctes, insert } = insertIfProfileSql('postgres', check);
    return withCtes(ctes, insert);
  }),
  sqlite: perCheck(sqliteText),
};

/**
 * SQLite: a reattempt's claim of the card, then (`insertIfProfileSql`'s `none`) its pending row. One writer, and
 * the caller's transaction around both (`Storage.atomically` is one there), so nothing comes between them.
 * Arguments: merchant, fingerprint, RETRY_STATE_COLUMNS' values, then the profile's id, merchant, card — and the
 * transaction's id and creation time first.
 */
const CLAIM_SQLITE =
  `update card_retry_states set reattempt_in_flight = ?, modified_at = ? ` +
  `where merchant_id = ? and fingerprint = ?${RETRY_STATE_COLUMNS.map((c) => ` and ${snake(c)} is ?`).join('')} ` +
  `and exists (select 1 from payment_profiles where id = ? and merchant_id = ? and is_active = 1 and card_id = ?)`;

/** The card a merchant-initiated debit charges and its retry state as the debit read it. */
export interface RetryStateRead {
  fingerprint: string;
  state: CardRetryState | undefined;
}

const ATTEMPT_COLUMNS = ['scheduleId', 'cycle', 'attempt', 'createdAt'] as const;

/**
 * PostgreSQL: a scheduled cycle's pending debit (insertIfProfileSql) and its attempt row in one statement, the
 * attempt inserted only from the stored row. An attempt already recorded is a unique violation, which undoes
 * the pending row (and a claim of the card) too: the same attempt is never stored twice. Arguments:
 * insertIfProfileSql's, then ATTEMPT_COLUMNS.
 */
function insertIfProfileWithAttemptPostgres(check: RetryCheck): string {
  const { ctes, insert, parameters } = insertIfProfileSql('postgres', check);
  const [schedule, cycle, attempt, created] = ATTEMPT_COLUMNS.map((_, i) => `$${parameters + 1 + i}`);
  return withCtes(
    [...ctes, `t as (${insert} returning id)`],
    `insert into schedule_attempts (schedule_id, cycle, attempt, transaction_id, created_at) ` +
      `select ${schedule}, ${cycle}, ${attempt}, t.id, ${created} from t`,
  );
}

const INSERT_IF_PROFILE_WITH_ATTEMPT = perCheck(insertIfProfileWithAttemptPostgres);

const isAttemptConflict = (err: unknown): boolean =>
  typeof err === 'object' &&
  err !== null &&
  (err as { code?: unknown }).code === '23505' &&
  (err as { constraint?: unknown }).constraint === 'schedule_attempts_pk';

/** The columns of a sealed card row, in the order insertCardAndTransaction binds them. */
const CARD_COLUMNS = [
  'id',
  'merchantId',
  'fingerprint',
  'keyVersion',
  'wrappedKey',
  'encryptedPan',
  'brand',
  'last4',
  'month',
  'year',
  'firstName',
  'lastName',
  'createdAt',
] as const satisfies ReadonlyArray<keyof SealedCard>;

// A compile-time check that CARD_COLUMNS lists every column of the cards table.
type MissingCardColumn = Exclude<keyof Database['cards'], (typeof CARD_COLUMNS)[number]>;
const everyCardColumn: [MissingCardColumn] extends [never] ? true : MissingCardColumn = true;
void everyCardColumn;

/**
 * PostgreSQL: a new card's sealed row and the pending transaction that uses it, in one statement (the card's
 * INSERT as a data-modifying CTE, which runs whether or not the main query reads it), so a card payment's
 * pending row needs no BEGIN/COMMIT either. Arguments: CARD_COLUMNS, then COLUMNS. SQLite runs the two INSERTs
 * inside the caller's (group-commit) transaction instead.
 */
const insertCardAndTransactionPostgres = (() => {
  const card = CARD_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
  const transaction = COLUMNS.map((_, i) => `$${CARD_COLUMNS.length + i + 1}`).join(', ');
  return (
    `with card as (insert into cards (${CARD_COLUMNS.map(snake).join(', ')}) values (${card})) ` +
    `insert into transactions (${COLUMNS.map(snake).join(', ')}) values (${transaction})`
  );
})();

/** The status change a finalisation writes, compare-and-set on the stage. */
const finishQuery = prepared((db, arg) =>
  db
    .updateTable('transactions')
    .set({
      status: arg(0),
      stage: arg(1),
      statusCode: arg(2),
      networkTxnId: arg(3),
      profileId: arg(4),
      modifiedAt: arg(5),
      challengeExpiresAt: arg(6),
    })
    .where('id', '=', arg(7))
    .where('stage', '=', arg(8)),
);

const FINISHED = [
  'status',
  'stage',
  'statusCode',
  'networkTxnId',
  'profileId',
  'modifiedAt',
  'challengeExpiresAt',
] as const satisfies ReadonlyArray<keyof Row>;

/**
 * PostgreSQL: a finalisation's status change and its notification row in one statement (a data-modifying
 * CTE): the notification is inserted only from the updated row, so both happen or neither does, and the
 * statement's row count says whether the compare-and-set on the stage won. Arguments: FINISHED in order, the
 * id, the expected stage, then the notification's ENQUEUED columns (its ordinal numbers itself, as in
 * NotificationRepo.enqueue). SQLite has no DML in a WITH: there the two statements run inside the caller's
 * (group-commit) transaction instead.
 */
// The timeline's row of the change (transaction_events, migration 0015), written by the same statement.
const EVENT_COLUMNS = ['id', 'transactionId', 'at', 'kind', 'status', 'code', 'detail'] as const;

/**
 * PostgreSQL: the compare-and-set on the stage, then (only if it matched) the timeline's event row and the
 * notification row, in one statement. Parameters: the patch, id, expected stage, the event's columns, then
 * the notification's (when there is one).
 */
function finishAndEnqueuePostgres(withNotification: boolean): string {
  const n = FINISHED.length;
  const set = FINISHED.map((column, i) => `${snake(column)} = $${i + 1}`).join(', ');
  const eventValues = EVENT_COLUMNS.map((_, i) => `$${n + 3 + i}`).join(', ');
  const m = n + 3 + EVENT_COLUMNS.length;
  const finished = `with finished as (update transactions set ${set} where id = $${n + 1} and stage = $${n + 2} returning id)`;
  const event = `insert into transaction_events (${EVENT_COLUMNS.map(snake).join(', ')}) select ${eventValues} from finished`;
  if (!withNotification) return `${finished} ${event}`;
  const values = ENQUEUED.map((_, i) => `$${m + i}`).join(', ');
  const transactionIdArg = m + ENQUEUED.indexOf('transactionId');
  return (
    `${finished}, event as (${event}) ` +
    `insert into notifications (${ENQUEUED.map(snake).join(', ')}, ordinal) ` +
    `select ${values}, (select coalesce(max(ordinal), 0) + 1 from notifications ` +
    `where transaction_id = $${transactionIdArg}) from finished`
  );
}
const FINISH_EVENT_ENQUEUE = finishAndEnqueuePostgres(true);
const FINISH_EVENT = finishAndEnqueuePostgres(false);

export type FinishPatch = Required<
  Pick<
    Transaction,
    'status' | 'stage' | 'statusCode' | 'networkTxnId' | 'profileId' | 'modifiedAt' | 'challengeExpiresAt'
  >
>;

function toRow(t: Transaction): Row {
  return {
    ...t,
    customer: t.customer ? JSON.stringify(t.customer) : null,
    authorizedAmount: t.authorizedAmount ?? null,
    cid: t.customer?.cid ?? null,
  };
}

function toTransaction(full: Row): Transaction {
  // `cid` is a copy of `customer.cid` for the list's index, not a field of the domain type.
  const { cid: _cid, ...row } = full;
  return {
    ...row,
    type: row.type as TransactionType,
    status: row.status as TransactionStatus,
    stage: row.stage as TransactionStage,
    source: row.source as TransactionSource,
    currency: row.currency as Currency,
    paymentMethodCode: row.paymentMethodCode as PaymentMethodCode,
    customer: row.customer ? (JSON.parse(row.customer) as Customer) : null,
    registers: row.registers as ProfileType | null,
    profileVariant: row.profileVariant as ProfileVariant | null,
    initiator: row.initiator as Initiator,
  };
}

export type TransactionPatch = Partial<
  Pick<
    Transaction,
    | 'status'
    | 'stage'
    | 'statusCode'
    | 'networkTxnId'
    | 'profileId'
    | 'modifiedAt'
    | 'challengeExpiresAt'
    | 'acquirerDeadline'
    | 'amount'
    | 'authorizedAmount'
  >
>;

/** The list API's and dashboard's filter; every field optional, `merchantId` null for an operator (all). */
export interface TransactionSearch {
  merchantId: string | null;
  status?: TransactionStatus | undefined;
  type?: TransactionType | undefined;
  orderId?: string | undefined;
  cid?: string | undefined;
  amountMin?: number | undefined;
  amountMax?: number | undefined;
  createdFrom?: number | undefined;
  createdTo?: number | undefined;
  /** Strictly after this position in the order (created desc, id desc). */
  after?: { createdAt: number; id: string } | undefined;
  limit: number;
}

/** A listed transaction with what may be shown of its card: the brand and the last four digits. */
export type FoundTransaction = Transaction & { card: { brand: string; last4: string } | null };

/** One day's sales (UTC): how many finished, how many were paid, and the amount paid, per currency. */
export interface DailyVolume {
  day: number;
  currency: string;
  finished: number;
  paid: number;
  paidAmount: number;
}

export class TransactionRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async insertTransaction(t: Transaction): Promise<void> {
    const row = toRow(t);
    // Kysely leaves out a column whose value is undefined (so it stores NULL): the same here.
    await insertQuery.execute(
      this.db,
      this.dialect,
      COLUMNS.map((column) => row[column] ?? null),
    );
  }

  /**
   * Stores a profile debit's pending row only if the profile is still active with the same card (see
   * insertIfProfileSql); returns whether it was stored. One statement: safe in {@link Storage.atomically}.
   */
  async insertTransactionIfProfileActive(
    t: Transaction,
    profile: { id: string; merchantId: string; cardId: string },
    retry?: RetryStateRead,
  ): Promise<boolean> {
    const check = retryCheck(retry);
    if (check === 'claim' && this.dialect === 'sqlite') return this.claimSqlite(t, profile, retry!);
    const result = await this.db.executeQuery(
      CompiledQuery.raw(INSERT_IF_PROFILE[this.dialect][check], ifProfileParameters(t, profile, retry)),
    );
    return Number(result.numAffectedRows ?? 0) > 0;
  }

  /** See CLAIM_SQLITE. */
  private async claimSqlite(
    t: Transaction,
    profile: { id: string; merchantId: string; cardId: string },
    retry: RetryStateRead,
  ): Promise<boolean> {
    const state = retry.state!;
    const claimed = await this.db.executeQuery(
      CompiledQuery.raw(CLAIM_SQLITE, [
        t.id,
        t.createdAt,
        profile.merchantId,
        retry.fingerprint,
        ...RETRY_STATE_COLUMNS.map((column) => state[column]),
        profile.id,
        profile.merchantId,
        profile.cardId,
      ]),
    );
    if (Number(claimed.numAffectedRows ?? 0) === 0) return false;
    const stored = await this.db.executeQuery(
      CompiledQuery.raw(INSERT_IF_PROFILE.sqlite.none, ifProfileParameters(t, profile, undefined)),
    );
    return Number(stored.numAffectedRows ?? 0) > 0;
  }

  /**
   * A scheduled cycle's debit: {@link insertTransactionIfProfileActive} and, only if the row was stored, the
   * cycle's attempt row (`transactionId` is the new row's) — both or neither. Throws
   * {@link AttemptTakenError}, storing nothing, when the attempt was already made. One statement on
   * PostgreSQL (safe in `Storage.atomically`); two on SQLite, where that runs them in a transaction, which the
   * error rolls back.
   */
  async insertScheduledDebitIfProfileActive(
    t: Transaction,
    profile: { id: string; merchantId: string; cardId: string },
    attempt: Omit<ScheduleAttemptRow, 'transactionId'>,
    retry?: RetryStateRead,
  ): Promise<boolean> {
    if (this.dialect === 'sqlite') {
      if (!(await this.insertTransactionIfProfileActive(t, profile, retry))) return false;
      const fresh = await new ScheduleRepo(this.db, this.dialect).insertAttemptIfNew({
        ...attempt,
        transactionId: t.id,
      });
      if (!fresh) throw new AttemptTakenError();
      return true;
    }
    const parameters = [...ifProfileParameters(t, profile, retry), ...ATTEMPT_COLUMNS.map((c) => attempt[c])];
    try {
      const result = await this.db.executeQuery(
        CompiledQuery.raw(INSERT_IF_PROFILE_WITH_ATTEMPT[retryCheck(retry)], parameters),
      );
      return Number(result.numAffectedRows ?? 0) > 0;
    } catch (err) {
      if (isAttemptConflict(err)) throw new AttemptTakenError();
      throw err;
    }
  }

  /**
   * Stores a new sealed card and the pending transaction charging it, atomically: one statement on
   * PostgreSQL (safe in `Storage.atomically`), two on SQLite, where that runs them in a transaction.
   */
  async insertCardAndTransaction(card: SealedCard, t: Transaction): Promise<void> {
    if (this.dialect === 'sqlite') {
      await new CardRepo(this.db).insertCard(card);
      await this.insertTransaction(t);
      return;
    }
    const row = toRow(t);
    const parameters = [
      ...CARD_COLUMNS.map((column) => card[column]),
      ...COLUMNS.map((column) => row[column] ?? null),
    ];
    await this.db.executeQuery(CompiledQuery.raw(insertCardAndTransactionPostgres, parameters));
  }

  async getTransaction(merchantId: string, id: string): Promise<Transaction | undefined> {
    const row = await this.db
      .selectFrom('transactions')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toTransaction(row);
  }

  async getTransactionById(id: string): Promise<Transaction | undefined> {
    const row = await this.db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTransaction(row);
  }

  /**
   * Takes the row lock on PostgreSQL so that concurrent refunds, captures and state changes of one sale
   * serialise across processes. On SQLite every write transaction is already exclusive.
   */
  async lockTransaction(merchantId: string, id: string): Promise<Transaction | undefined> {
    let q = this.db
      .selectFrom('transactions')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .where('id', '=', id);
    if (this.dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row && toTransaction(row);
  }

  /** Compare-and-set: applies the patch only while the row is still in `expected`; returns whether it did. */
  async updateTransaction(
    id: string,
    patch: TransactionPatch,
    expected: { stage?: TransactionStage; status?: TransactionStatus } = {},
  ): Promise<boolean> {
    let q = this.db.updateTable('transactions').set(patch).where('id', '=', id);
    if (expected.stage) q = q.where('stage', '=', expected.stage);
    if (expected.status) q = q.where('status', '=', expected.status);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** {@link updateTransaction} with the whole of a finalisation's patch, as one prepared statement. */
  async finish(id: string, patch: FinishPatch, expectedStage: TransactionStage): Promise<boolean> {
    const result = await finishQuery.execute(this.db, this.dialect, [
      patch.status,
      patch.stage,
      patch.statusCode,
      patch.networkTxnId,
      patch.profileId,
      patch.modifiedAt,
      patch.challengeExpiresAt,
      id,
      expectedStage,
    ]);
    return Number(result.numAffectedRows ?? 0) > 0;
  }

  /**
   * {@link finish}, and when `notification` is given its row too, atomically; returns whether the stage
   * compare-and-set won (nothing is written when it lost). One statement on PostgreSQL, so it is safe in
   * `Storage.atomically`; two on SQLite, where that runs it in a transaction.
   */
  async finishAndEnqueue(
    id: string,
    patch: FinishPatch,
    expectedStage: TransactionStage,
    notification: Omit<NotificationRow, 'ordinal'> | null,
    event: TransactionEventRow,
  ): Promise<boolean> {
    if (this.dialect === 'sqlite') {
      if (!(await this.finish(id, patch, expectedStage))) return false;
      await new EventRepo(this.db, this.dialect).record(event);
      if (notification) await new NotificationRepo(this.db, this.dialect).enqueue(notification);
      return true;
    }
    const parameters = [
      ...FINISHED.map((column) => patch[column]),
      id,
      expectedStage,
      ...EVENT_COLUMNS.map((column) => event[column] ?? null),
      ...(notification ? ENQUEUED.map((column) => notification[column] ?? null) : []),
    ];
    const statement = notification ? FINISH_EVENT_ENQUEUE : FINISH_EVENT;
    const result = await this.db.executeQuery(CompiledQuery.raw(statement, parameters));
    return Number(result.numAffectedRows ?? 0) > 0;
  }

  async listRefunds(parentId: string): Promise<Transaction[]> {
    const rows = await this.db
      .selectFrom('transactions')
      .selectAll()
      .where('parentId', '=', parentId)
      .where('type', '=', 'refund')
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    return rows.map(toTransaction);
  }

  async findByNetworkTxnId(merchantId: string, networkTxnId: string): Promise<Transaction | undefined> {
    const row = await this.db
      .selectFrom('transactions')
      .selectAll()
      .where('merchantId', '=', merchantId)
      .where('networkTxnId', '=', networkTxnId)
      .where('type', '=', 'sale')
      .executeTakeFirst();
    return row && toTransaction(row);
  }

  /** Transactions stuck in a stage since before `before` (crash recovery, abandoned challenges). */
  /**
   * Transactions in `stage` since before `before` (a challenge: expiring before it). `scope.shopId`: only
   * that shop's (a test clock's advance); `scope.skipClockShops`: none of a test-clock shop's (the wall clock).
   */
  async listInStage(
    stage: TransactionStage,
    before: number,
    limit: number,
    scope: { shopId?: string; skipClockShops?: boolean } = {},
  ): Promise<Transaction[]> {
    const column = stage === 'challenge' ? 'challengeExpiresAt' : 'modifiedAt';
    let q = this.db
      .selectFrom('transactions')
      .selectAll()
      .where('stage', '=', stage)
      .where(column, '<', before);
    if (scope.shopId !== undefined) q = q.where('serviceId', '=', scope.shopId);
    if (scope.skipClockShops) {
      q = q.where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('shops as s')
              .select('s.id')
              .whereRef('s.id', '=', 'transactions.serviceId')
              .where('s.testClockAt', 'is not', null),
          ),
        ),
      );
    }
    const rows = await q.orderBy(column).limit(limit).execute();
    return rows.map(toTransaction);
  }

  /**
   * One page of transactions, newest first, ties broken by id so the order is total and a cursor is stable. Each
   * selective filter has its index (0015): (merchant, created, id) for the plain list, and (merchant, status,
   * created, id), (merchant, order_id), (merchant, cid, created) for the filters.
   */
  async search(f: TransactionSearch): Promise<FoundTransaction[]> {
    let q = this.db
      .selectFrom('transactions as t')
      .leftJoin('cards as c', 'c.id', 't.cardId')
      .selectAll('t')
      .select(['c.brand as cardBrand', 'c.last4 as cardLast4']);
    if (f.merchantId !== null) q = q.where('t.merchantId', '=', f.merchantId);
    if (f.status) q = q.where('t.status', '=', f.status);
    if (f.type) q = q.where('t.type', '=', f.type);
    if (f.orderId !== undefined) q = q.where('t.orderId', '=', f.orderId);
    if (f.cid !== undefined) q = q.where('t.cid', '=', f.cid);
    if (f.amountMin !== undefined) q = q.where('t.amount', '>=', f.amountMin);
    if (f.amountMax !== undefined) q = q.where('t.amount', '<=', f.amountMax);
    if (f.createdFrom !== undefined) q = q.where('t.createdAt', '>=', f.createdFrom);
    if (f.createdTo !== undefined) q = q.where('t.createdAt', '<', f.createdTo);
    const after = f.after;
    if (after) {
      q = q.where((eb) =>
        eb.or([
          eb('t.createdAt', '<', after.createdAt),
          eb.and([eb('t.createdAt', '=', after.createdAt), eb('t.id', '<', after.id)]),
        ]),
      );
    }
    const rows = await q.orderBy('t.createdAt', 'desc').orderBy('t.id', 'desc').limit(f.limit).execute();
    return rows.map(({ cardBrand, cardLast4, ...row }) => ({
      ...toTransaction(row),
      card: cardBrand && cardLast4 ? { brand: cardBrand, last4: cardLast4 } : null,
    }));
  }

  /** Sales per UTC day since `since`: one grouped query over (merchant, created). */
  async dailyVolume(merchantId: string | null, since: number): Promise<DailyVolume[]> {
    let q = this.db
      .selectFrom('transactions')
      .select((eb) => [
        sql<number | string>`created_at / 86400000`.as('day'),
        'currency',
        eb.fn.countAll<number | string>().as('finished'),
        sql<number | string>`sum(case when status in ('settled', 'authorized') then 1 else 0 end)`.as('paid'),
        sql<
          number | string | null
        >`sum(case when status in ('settled', 'authorized') then amount else 0 end)`.as('paidAmount'),
      ])
      .where('type', '=', 'sale')
      .where('status', 'in', ['settled', 'authorized', 'rejected', 'cancelled', 'error'])
      .where('createdAt', '>=', since);
    if (merchantId !== null) q = q.where('merchantId', '=', merchantId);
    const rows = await q.groupBy([sql`created_at / 86400000`, 'currency']).execute();
    return rows
      .map((r) => ({
        day: Number(r.day),
        currency: r.currency,
        finished: Number(r.finished),
        paid: Number(r.paid),
        paidAmount: Number(r.paidAmount ?? 0),
      }))
      .sort((a, b) => a.day - b.day || a.currency.localeCompare(b.currency));
  }

  /**
   * Test-clock shops' transactions in `stage` whose acquirer attempt has a deadline (real time) before
   * `deadlineBefore`: their `modifiedAt` is the shop's frozen time, so how long they have waited on the
   * acquirer is read from the deadline instead (the recovery chore, which works in real time).
   */
  async listInStageOfClockShops(
    stage: TransactionStage,
    deadlineBefore: number,
    limit: number,
  ): Promise<Transaction[]> {
    const rows = await this.db
      .selectFrom('transactions')
      .selectAll()
      .where('stage', '=', stage)
      .where('acquirerDeadline', '<', deadlineBefore)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('shops as s')
            .select('s.id')
            .whereRef('s.id', '=', 'transactions.serviceId')
            .where('s.testClockAt', 'is not', null),
        ),
      )
      .orderBy('acquirerDeadline')
      .limit(limit)
      .execute();
    return rows.map(toTransaction);
  }

  /** The earliest challenge expiry among the shop's open challenges, or null. */
  async nextChallengeExpiry(shopId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('transactions')
      .select((eb) => eb.fn.min('challengeExpiresAt').as('at'))
      .where('serviceId', '=', shopId)
      .where('stage', '=', 'challenge')
      .executeTakeFirst();
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  }
}

const retryCheck = (retry: RetryStateRead | undefined): RetryCheck =>
  retry === undefined
    ? 'none'
    : retry.state === undefined
      ? 'absent'
      : retry.state.lastDeclineAt !== null
        ? 'claim'
        : 'same';

function ifProfileParameters(
  t: Transaction,
  profile: { id: string; merchantId: string; cardId: string },
  retry: RetryStateRead | undefined,
): unknown[] {
  const row = toRow(t);
  const parameters = [
    ...COLUMNS.map((column) => row[column] ?? null),
    profile.id,
    profile.merchantId,
    profile.cardId,
  ];
  if (retry) parameters.push(profile.merchantId, retry.fingerprint);
  if (retry?.state) for (const column of RETRY_STATE_COLUMNS) parameters.push(retry.state[column]);
  return parameters;
}
