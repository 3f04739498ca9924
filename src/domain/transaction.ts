import type { Currency } from './money.js';

export const TRANSACTION_STATUSES = [
  'new',
  'pending',
  'authorized',
  'settled',
  'rejected',
  'cancelled',
  'error',
] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

export const FINAL_STATUSES: ReadonlySet<TransactionStatus> = new Set([
  'settled',
  'rejected',
  'cancelled',
  'error',
]);

export function isFinal(status: TransactionStatus): boolean {
  return FINAL_STATUSES.has(status);
}

const ALLOWED: Record<TransactionStatus, readonly TransactionStatus[]> = {
  new: ['pending', 'authorized', 'settled', 'rejected', 'cancelled', 'error'],
  pending: ['authorized', 'settled', 'rejected', 'cancelled', 'error'],
  authorized: ['settled', 'cancelled', 'error'],
  settled: [],
  rejected: [],
  cancelled: [],
  error: [],
};

/** Statuses only move forward; a final status never changes (a refund is a new transaction). */
export function canTransition(from: TransactionStatus, to: TransactionStatus): boolean {
  return ALLOWED[from].includes(to);
}

export const PAYMENT_METHOD_CODES = ['ecom3ds', 'oneclick', 'recurring'] as const;
export type PaymentMethodCode = (typeof PAYMENT_METHOD_CODES)[number];

export type TransactionType = 'sale' | 'refund';
export type TransactionSource = 'api' | 'web';
/** Customer-initiated (the payer is present) or merchant-initiated (the shop debits without the payer). */
export type Initiator = 'CIT' | 'MIT';
export type ProfileVariant = 'FIRST' | 'STANDARD';

/**
 * Where a transaction is in the gateway's own flow, independent of the imoje status. Every stage but `done`
 * and `challenge` means "the acquirer is being asked": a crash there is reconciled by the recovery chore.
 */
export type TransactionStage = 'authorizing' | 'challenge' | 'capturing' | 'voiding' | 'done';

export interface Customer {
  firstName: string;
  lastName: string;
  email: string;
  cid?: string | null;
  phone?: string | null;
  company?: string | null;
  locale?: string | null;
}

export interface Transaction {
  id: string;
  merchantId: string;
  serviceId: string;
  type: TransactionType;
  status: TransactionStatus;
  stage: TransactionStage;
  source: TransactionSource;
  amount: number;
  currency: Currency;
  orderId: string;
  title: string;
  paymentMethodCode: PaymentMethodCode;
  notificationUrl: string | null;
  successReturnUrl: string | null;
  failureReturnUrl: string | null;
  customer: Customer | null;
  cardId: string | null;
  profileId: string | null;
  /** The profile type a registration creates on success; null for debits and one-off payments. */
  registers: ProfileType | null;
  profileVariant: ProfileVariant | null;
  initiator: Initiator;
  statusCode: string | null;
  /** The acquirer's network transaction id of this payment (for first payments: the future firstTransactionId). */
  networkTxnId: string | null;
  /** For merchant-initiated debits: the first payment's network transaction id the acquirer is quoted. */
  quotedNetworkTxnId: string | null;
  parentId: string | null;
  createdAt: number;
  modifiedAt: number;
  challengeExpiresAt: number | null;
  /**
   * While the transaction waits on the acquirer: the expiry sent with the request. Until then the acquirer may
   * still act on it; after it, an operation the acquirer has no record of was never done.
   */
  acquirerDeadline: number | null;
  /**
   * Set when a capture of a pre-authorisation is claimed: the amount the hold was for. From then on `amount` is
   * the amount captured (or being captured); a capture that did not happen puts it back. Absent otherwise.
   */
  authorizedAmount?: number | null | undefined;
}

export type ProfileType = 'ONE_CLICK' | 'RECURRING';

export function profileTypeFor(code: PaymentMethodCode): ProfileType | null {
  if (code === 'oneclick') return 'ONE_CLICK';
  if (code === 'recurring') return 'RECURRING';
  return null;
}

export function methodCodeFor(type: ProfileType): PaymentMethodCode {
  return type === 'ONE_CLICK' ? 'oneclick' : 'recurring';
}
