import { DomainError } from '../domain/domain-error.js';
import type { PaymentProfile } from '../domain/profile.js';
import type { Transaction } from '../domain/transaction.js';
import type { PaymentsDeps } from './deps.js';

export interface TransactionDetails {
  transaction: Transaction;
  profile: PaymentProfile | undefined;
  refunds: Transaction[];
  shopNotificationUrl: string | null;
}

export async function readTransaction(
  deps: PaymentsDeps,
  merchantId: string,
  id: string,
): Promise<TransactionDetails> {
  const repos = deps.storage.repos;
  const transaction = await repos.transactions.getTransaction(merchantId, id);
  if (!transaction) throw new DomainError('transactionNotFound');
  const [profile, refunds, shop] = await Promise.all([
    transaction.profileId ? repos.profiles.getProfile(merchantId, transaction.profileId) : undefined,
    transaction.type === 'sale' ? repos.transactions.listRefunds(transaction.id) : [],
    repos.merchants.getShopById(transaction.serviceId),
  ]);
  return { transaction, profile, refunds, shopNotificationUrl: shop?.notificationUrl ?? null };
}

/** A transaction by its id alone, for a caller that holds the id from its own session (the widget's result). */
export async function transactionById(deps: PaymentsDeps, id: string): Promise<Transaction | undefined> {
  return deps.storage.repos.transactions.getTransactionById(id);
}
