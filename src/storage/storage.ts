import type { Kysely } from 'kysely';
import { CardRepo } from './card-repo.js';
import { PaymentReadRepo } from './payment-read-repo.js';
import { GroupCommit } from './group-commit.js';
import type { Connection, Dialect, PoolLoad } from './connect.js';
import { IdempotencyRepo } from './idempotency-repo.js';
import { InboxRepo } from './inbox-repo.js';
import { MerchantRepo, type ServiceKeys } from './merchant-repo.js';
import type { ServiceKeyBox } from '../vault/service-key-box.js';
import { NotificationRepo } from './notification-repo.js';
import { ProfileRepo } from './profile-repo.js';
import type { Database } from './schema.js';
import { TransactionRepo } from './transaction-repo.js';
import { WidgetOrderRepo } from './widget-order-repo.js';
import { PaymentLinkRepo } from './payment-link-repo.js';
import { WidgetSessionRepo } from './widget-session-repo.js';
import { AgreementRepo } from './agreement-repo.js';
import { EventRepo } from './event-repo.js';
import { RequestLogRepo } from './request-log-repo.js';
import { DashboardSessionRepo } from './dashboard-session-repo.js';
import { CardRetryRepo } from './card-retry-repo.js';
import { ScheduleRepo } from './schedule-repo.js';
import { TestClockRepo } from './test-clock-repo.js';

/** The repositories, bound either to the pool or to one database transaction. */
export interface Repos {
  merchants: MerchantRepo;
  cards: CardRepo;
  profiles: ProfileRepo;
  transactions: TransactionRepo;
  idempotency: IdempotencyRepo;
  notifications: NotificationRepo;
  widgetOrders: WidgetOrderRepo;
  paymentLinks: PaymentLinkRepo;
  widgetSessions: WidgetSessionRepo;
  inbox: InboxRepo;
  agreements: AgreementRepo;
  events: EventRepo;
  requestLog: RequestLogRepo;
  dashboardSessions: DashboardSessionRepo;
  cardRetry: CardRetryRepo;
  schedules: ScheduleRepo;
  testClocks: TestClockRepo;
  paymentReads: PaymentReadRepo;
}

function reposFor(db: Kysely<Database>, dialect: Dialect, keys: ServiceKeys): Repos {
  return {
    merchants: new MerchantRepo(db, dialect, keys),
    cards: new CardRepo(db),
    profiles: new ProfileRepo(db, dialect),
    transactions: new TransactionRepo(db, dialect),
    idempotency: new IdempotencyRepo(db),
    notifications: new NotificationRepo(db, dialect),
    widgetOrders: new WidgetOrderRepo(db),
    paymentLinks: new PaymentLinkRepo(db),
    widgetSessions: new WidgetSessionRepo(db),
    inbox: new InboxRepo(db),
    agreements: new AgreementRepo(db, dialect),
    events: new EventRepo(db, dialect),
    requestLog: new RequestLogRepo(db),
    dashboardSessions: new DashboardSessionRepo(db),
    cardRetry: new CardRetryRepo(db, dialect),
    schedules: new ScheduleRepo(db, dialect),
    testClocks: new TestClockRepo(db),
    paymentReads: new PaymentReadRepo(db, dialect, keys),
  };
}

export class Storage {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly repos: Repos;

  private readonly groupCommit: GroupCommit | null;
  private serviceKeyBox: ServiceKeyBox | null = null;
  private readonly keys: ServiceKeys = () => this.serviceKeyBox;

  constructor(private readonly connection: Connection) {
    this.db = connection.db;
    this.dialect = connection.dialect;
    this.repos = reposFor(this.db, this.dialect, this.keys);
    this.groupCommit = connection.dialect === 'sqlite' ? new GroupCommit(this.db) : null;
  }

  /**
   * Runs `work` in one database transaction; everything it writes commits or rolls back together. On SQLite,
   * concurrent transactions share one commit (group commit); `work` must not open another transaction.
   */
  transaction<T>(work: (repos: Repos) => Promise<T>): Promise<T> {
    if (this.groupCommit) return this.groupCommit.run((trx) => work(reposFor(trx, this.dialect, this.keys)));
    return this.db.transaction().execute((trx) => work(reposFor(trx, this.dialect, this.keys)));
  }

  /**
   * Runs `work` as one atomic write without a transaction of its own on PostgreSQL: `work` must make exactly
   * one statement there (a single statement is atomic and commits by itself, so BEGIN and COMMIT would be two
   * round trips that add nothing). On SQLite it runs like {@link transaction}, inside the group commit, where it
   * may make several statements (the repositories' PostgreSQL-only CTEs are two statements on SQLite). Either
   * way nothing resolves before the write is committed: durable as a transaction's.
   */
  atomically<T>(work: (repos: Repos) => Promise<T>): Promise<T> {
    if (this.groupCommit) return this.transaction(work);
    return work(this.repos);
  }

  /**
   * Gives the repositories the master key for shops' serviceKeys. Set once the key file is open, which needs
   * the database first (a missing key beside sealed data must refuse the start, not write a new key).
   */
  sealServiceKeysWith(box: ServiceKeyBox): void {
    this.serviceKeyBox = box;
  }

  /** How loaded the database connection is: the pool (PostgreSQL) or the group-commit queue (SQLite). */
  load(): ({ kind: 'pool' } & PoolLoad) | { kind: 'group-commit'; queued: number } {
    const pool = this.connection.poolLoad?.();
    if (pool) return { kind: 'pool', ...pool };
    return { kind: 'group-commit', queued: this.groupCommit?.queued ?? 0 };
  }

  async ping(): Promise<void> {
    await this.db.selectFrom('merchants').select('id').limit(1).execute();
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
