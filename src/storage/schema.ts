/**
 * Table shapes as Kysely sees them (camelCase; the CamelCasePlugin maps to snake_case columns).
 * Booleans are 0/1 integers and times are Unix milliseconds, so the same rows work on SQLite and PostgreSQL.
 */
export interface Database {
  merchants: MerchantsTable;
  shops: ShopsTable;
  apiTokens: ApiTokensTable;
  cards: CardsTable;
  paymentProfiles: PaymentProfilesTable;
  transactions: TransactionsTable;
  idempotencyKeys: IdempotencyKeysTable;
  notifications: NotificationsTable;
  notificationAttempts: NotificationAttemptsTable;
  sandboxLedger: SandboxLedgerTable;
  imojeAttempts: ImojeAttemptsTable;
  vaultCanary: VaultCanaryTable;
  widgetOrders: WidgetOrdersTable;
  paymentLinks: PaymentLinksTable;
  widgetSessions: WidgetSessionsTable;
  inboxMessages: InboxMessagesTable;
  agreements: AgreementsTable;
  agreementDebits: AgreementDebitsTable;
  transactionEvents: TransactionEventsTable;
  requestLog: RequestLogTable;
  dashboardSessions: DashboardSessionsTable;
  cardRetryStates: CardRetryStatesTable;
  schedules: SchedulesTable;
  scheduleAttempts: ScheduleAttemptsTable;
}

/**
 * A signed widget order and the payment holding it: `paying` while that transaction is unfinished, `paid`
 * once it succeeded, `open` again after it failed.
 */
export interface WidgetOrdersTable {
  serviceId: string;
  orderId: string;
  amount: number;
  currency: string;
  state: string;
  transactionId: string;
  createdAt: number;
  modifiedAt: number;
}

/**
 * One opening of the widget or the paywall's card form. `document` is the session as JSON; `state` and
 * `transactionId` mirror its fields for compare-and-set; `idHash` is the SHA-256 of the bearer id in its URL.
 */
export interface WidgetSessionsTable {
  idHash: string;
  serviceId: string;
  state: string;
  transactionId: string | null;
  document: string;
  createdAt: number;
  modifiedAt: number;
  expiresAt: number;
}

/** A payment link; `status` is `active` or `cancelled` (paid is its order's state in `widgetOrders`). */
export interface PaymentLinksTable {
  id: string;
  merchantId: string;
  serviceId: string;
  amount: number;
  currency: string;
  orderId: string;
  title: string;
  customerFirstName: string;
  customerLastName: string;
  customerEmail: string;
  customerPhone: string | null;
  customerCid: string | null;
  /** Comma-separated, as imoje's paywall form sends it. */
  visibleMethod: string;
  preselectMethodCode: string | null;
  returnUrl: string | null;
  successReturnUrl: string | null;
  failureReturnUrl: string | null;
  notificationUrl: string | null;
  validTo: number;
  status: string;
  createdAt: number;
  modifiedAt: number;
  /** The recurring agreement the link declares (AgreementTerms as JSON), or null (migration 0010). */
  agreement: string | null;
}

export interface VaultCanaryTable {
  id: string;
  sealed: string;
  createdAt: number;
}

export interface MerchantsTable {
  id: string;
  name: string;
  createdAt: number;
}

export interface ShopsTable {
  id: string;
  merchantId: string;
  name: string;
  /** Sealed with the master key version `serviceKeyVersion`; in clear only while that is NULL (see 0004). */
  serviceKey: string;
  serviceKeyVersion: number | null;
  pciEnabled: number;
  preauthEnabled: number;
  notificationUrl: string | null;
  createdAt: number;
  /** Inclusive amount limits per payment, minor units. */
  minTransaction: number;
  maxTransaction: number;
  /** 1: a recurring registration must declare an agreement (migration 0010). */
  agreementRequired: number;
  /** Dunning: retries of a declined scheduled cycle, spread over `retryWindowDays` (0011). */
  retryAttempts: number;
  retryWindowDays: number;
  /** The pre-billing notice goes this many days before each scheduled cycle. */
  noticeDays: number;
  /** The shop's test clock (sandbox only, migration 0012): its frozen time, or null for real time. */
  testClockAt: number | null;
  /** An advance in progress: where it goes, who runs it, until when (wall clock) its lease holds. */
  testClockTarget: number | null;
  testClockOwner: string | null;
  testClockLeaseUntil: number | null;
  /** The origins allowed to open and frame the shop's widget, space-separated; null: any (migration 0018). */
  widgetOrigins: string | null;
}

export interface ApiTokensTable {
  id: string;
  merchantId: string;
  tokenHash: string;
  label: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface CardsTable {
  id: string;
  merchantId: string;
  fingerprint: string;
  keyVersion: number;
  wrappedKey: string;
  encryptedPan: string;
  brand: string;
  last4: string;
  month: string;
  year: string;
  firstName: string;
  lastName: string;
  createdAt: number;
}

export interface PaymentProfilesTable {
  id: string;
  merchantId: string;
  serviceId: string;
  cid: string;
  type: string;
  isActive: number;
  cardId: string;
  fingerprint: string;
  firstName: string;
  lastName: string;
  email: string;
  firstTransactionId: string;
  createdAt: number;
  modifiedAt: number;
}

export interface TransactionsTable {
  id: string;
  merchantId: string;
  serviceId: string;
  type: string;
  status: string;
  stage: string;
  source: string;
  amount: number;
  currency: string;
  orderId: string;
  title: string;
  paymentMethodCode: string;
  notificationUrl: string | null;
  successReturnUrl: string | null;
  failureReturnUrl: string | null;
  customer: string | null;
  cardId: string | null;
  profileId: string | null;
  registers: string | null;
  profileVariant: string | null;
  initiator: string;
  statusCode: string | null;
  networkTxnId: string | null;
  quotedNetworkTxnId: string | null;
  parentId: string | null;
  createdAt: number;
  modifiedAt: number;
  challengeExpiresAt: number | null;
  acquirerDeadline: number | null;
  /** The pre-authorisation's amount once a capture of it was claimed (then `amount` is the captured one). */
  authorizedAmount: number | null;
  /** The payer's cid, copied from `customer` at insert (0015): the list API's and dashboard's filter. */
  cid: string | null;
}

export interface IdempotencyKeysTable {
  merchantId: string;
  key: string;
  requestHash: string;
  state: string;
  responseStatus: number | null;
  responseBody: string | null;
  transactionId: string | null;
  createdAt: number;
  expiresAt: number;
  leaseUntil: number;
  /** Set when the key's transaction is a test-clock shop's: `expiresAt` is then that shop's time (0012). */
  clockShopId?: string | null;
}

export interface NotificationsTable {
  id: string;
  /** 1, 2, … per transaction: delivery keeps this order for one transaction. */
  ordinal: number;
  transactionId: string;
  merchantId: string;
  serviceId: string;
  url: string | null;
  body: string;
  status: string;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
  lockedBy: string | null;
  lockedUntil: number | null;
}

export interface NotificationAttemptsTable {
  id: string;
  notificationId: string;
  attemptedAt: number;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  /** Where this attempt went, the X-Imoje-Signature it carried and the start of the answer (0014; null before). */
  url: string | null;
  signature: string | null;
  responseExcerpt: string | null;
}

/** What arrived at the sandbox's webhook inbox (/kartoteka/inbox/{shopId}), exactly as received. */
export interface InboxMessagesTable {
  id: string;
  merchantId: string;
  serviceId: string;
  receivedAt: number;
  /** JSON object of the request headers (lowercase names), hop-by-hop and credentials left out. */
  headers: string;
  /** The raw body, base64: relayed byte for byte by `kartoteka listen`. */
  bodyBase64: string;
  signature: string | null;
  /** 1 when X-Imoje-Signature matched the body under the shop's serviceKey. */
  verified: number;
  transactionId: string | null;
  /** The notified status (`transaction.status`), when the body says. */
  event: string | null;
}

export interface SandboxLedgerTable {
  reference: string;
  operation: string;
  saleReference: string | null;
  amount: number;
  currency: string;
  maskedPan: string | null;
  initiator: string | null;
  storedCredential: string | null;
  quotedNetworkTxnId: string | null;
  threeDs: string | null;
  captured: number;
  outcome: string;
  code: string;
  networkTxnId: string | null;
  merchantAdvice: string | null;
  /** The EMV 3-D Secure recurring data the request carried (JSON), or null. */
  recurring: string | null;
  createdAt: number;
}

/** Per merchant and card fingerprint: the last merchant-initiated debits' outcome (src/domain/reattempt.ts). */
export interface CardRetryStatesTable {
  merchantId: string;
  fingerprint: string;
  lastDeclineAt: number | null;
  declineClass: string | null;
  retryAfter: number | null;
  hardDeclinedAt: number | null;
  /** `MM/YYYY` of the card an update-needed decline refused. */
  declinedExpiry: string | null;
  windowStartedAt: number | null;
  reattempts: number;
  /** The pending transaction of the card's one reattempt in flight (migration 0017). */
  reattemptInFlight: string | null;
  modifiedAt: number;
}

/** A recurring schedule and its next due work (src/domain/schedule.ts). */
export interface SchedulesTable {
  id: string;
  merchantId: string;
  serviceId: string;
  profileId: string;
  amount: number;
  currency: string;
  title: string;
  intervalUnit: string;
  intervalCount: number;
  startAt: number;
  endAt: number | null;
  maxCycles: number | null;
  status: string;
  endReason: string | null;
  /** The cycle being worked on (1-based), due at `cycleDueAt`; `attempts` debits of it were made. */
  cycle: number;
  cycleDueAt: number;
  attempts: number;
  /** When the next debit of the cycle is due; null when none is (paused, ended, waiting for a new card). */
  chargeAt: number | null;
  noticeAt: number | null;
  expiryNoticeAt: number | null;
  blockedCardId: string | null;
  cyclesSettled: number;
  lastTransactionId: string | null;
  leaseOwner: string | null;
  leaseUntil: number | null;
  createdAt: number;
  modifiedAt: number;
}

/** One debit of a scheduled cycle: unique per (schedule, cycle, attempt), stored with its pending transaction. */
export interface ScheduleAttemptsTable {
  scheduleId: string;
  cycle: number;
  attempt: number;
  transactionId: string;
  createdAt: number;
}

/** The imoje connector's requests upstream: written before each one leaves, completed by its answer. */
export interface ImojeAttemptsTable {
  reference: string;
  operation: string;
  serviceId: string;
  saleReference: string | null;
  amount: number;
  /** `asking` until upstream's answer is recorded, then `answered`. */
  state: string;
  upstreamId: string | null;
  outcome: string | null;
  code: string | null;
  networkTxnId: string | null;
  askedAt: number;
  answeredAt: number | null;
}

/** A recurring agreement (migration 0010): binding once `networkTxnId` (the first payment's) is set. */
export interface AgreementsTable {
  id: string;
  merchantId: string;
  /** The registering (or FIRST) transaction that declared it. */
  transactionId: string;
  networkTxnId: string | null;
  profileId: string | null;
  amount: number | null;
  maxAmount: number | null;
  currency: string;
  intervalUnit: string | null;
  intervalCount: number | null;
  minDays: number | null;
  startAt: number | null;
  expiresAt: number | null;
  maxCycles: number | null;
  createdAt: number;
  activatedAt: number | null;
}

/** A merchant-initiated debit sent under an agreement; its transaction's status says whether it counts. */
export interface AgreementDebitsTable {
  transactionId: string;
  agreementId: string;
  createdAt: number;
}

/**
 * A step of a transaction's timeline that leaves no other trace: `challenge` (3-D Secure asked for),
 * `challenge-answered` (detail `passed`/`failed`), `status` (a status change, with the acquirer's code).
 */
export interface TransactionEventsTable {
  id: string;
  transactionId: string;
  at: number;
  kind: string;
  status: string | null;
  code: string | null;
  detail: string | null;
}

/** A merchant's API request, masked (card numbers) and without CVV fields; the last few hundred per merchant. */
export interface RequestLogTable {
  id: string;
  merchantId: string;
  at: number;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  requestBody: string | null;
  responseBody: string | null;
}

/** A signed-in dashboard browser: the SHA-256 of its cookie, whose it is (a merchant, or an operator: all). */
export interface DashboardSessionsTable {
  idHash: string;
  merchantId: string | null;
  operator: number;
  /** The merchant token it was opened with: revoking the token ends the session. Null for operators. */
  tokenHash: string | null;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}
