import { DomainError } from '../domain/domain-error.js';
import { assertReattemptAllowed, isReattempt } from '../domain/reattempt.js';
import type { PaymentMethodCode, TransactionSource } from '../domain/transaction.js';
import type { Shop } from '../storage/merchant-repo.js';
import { authorizeAndFinalize } from './authorize.js';
import type { CreatedTransaction } from './created-transaction.js';
import type { PaymentsDeps, RequestContext } from './deps.js';
import type { CardInput, CreateTransactionInput } from './inputs.js';
import type { RetryContext } from './payment-context.js';
import { liveRetryState } from './reattempt-state.js';
import { storePending } from './store-pending.js';
import { checkAgreementDebit, recordAgreementDebit } from './agreement-check.js';

/**
 * `profileType: "STANDARD"`: a later payment on a card the shop keeps itself, quoting the network id of a
 * settled first payment (FIRST or a profile registration) of the same merchant and the same card.
 * No 3-D Secure; recurring runs merchant-initiated.
 */
export interface DebitWithoutProfileOptions {
  merchantId: string;
  shop: Shop;
  input: CreateTransactionInput;
  card: CardInput;
  ctx: RequestContext;
  source: TransactionSource;
}

export async function debitWithoutProfile(
  deps: PaymentsDeps,
  o: DebitWithoutProfileOptions,
): Promise<CreatedTransaction> {
  const { merchantId, shop, input, card } = o;
  const firstTransactionId = card.firstTransactionId ?? '';
  const repos = deps.storage.repos;
  const first = await repos.transactions.findByNetworkTxnId(merchantId, firstTransactionId);
  const isFirstPayment = first && (first.profileVariant === 'FIRST' || first.registers !== null);
  const firstCard = first?.cardId ? await repos.cards.getCard(first.cardId) : undefined;
  if (
    !first ||
    !isFirstPayment ||
    first.status !== 'settled' ||
    !firstCard ||
    firstCard.fingerprint !== deps.vault.fingerprint(card.number)
  ) {
    throw new DomainError('firstTransactionInvalid', [
      {
        property: 'card.firstTransactionId',
        message: 'No settled first payment of this merchant with this card has that id.',
      },
    ]);
  }
  const code = input.paymentMethodCode as PaymentMethodCode;
  const initiator = code === 'recurring' ? 'MIT' : 'CIT';
  let retry: RetryContext | undefined;
  if (initiator === 'MIT') {
    // A point read by primary key: the schemes' reattempt rules, before anything is stored or sent.
    const state = await repos.cardRetry.get(merchantId, firstCard.fingerprint);
    assertReattemptAllowed(
      await liveRetryState(repos, merchantId, state),
      card,
      deps.clock.now(),
      'card.firstTransactionId',
    );
    retry = { fingerprint: firstCard.fingerprint, month: card.month, year: card.year, state };
  }
  const { transaction, card: sealed } = await storePending(deps, {
    ...o,
    shape: {
      paymentMethodCode: code,
      registers: null,
      profileVariant: 'STANDARD',
      initiator,
      profileId: null,
      quotedNetworkTxnId: firstTransactionId,
    },
    // A merchant-initiated debit of a chain whose FIRST payment declared an agreement keeps to it.
    alongside:
      initiator === 'MIT'
        ? async (repos, t) => {
            // The card's state again, in the transaction that stores the payment: a decline of the card
            // committed since the read above (another debit of it) refuses this one too, as a profile
            // debit's INSERT does. A reattempt also claims the card (one reattempt with the acquirer at a
            // time); a claim that finds the state changed under it (a concurrent claim, PostgreSQL) reads again.
            // The agreement first, locked (FOR UPDATE), then the card's state: the order a profile debit takes
            // them in (its agreement check, then the claim in its INSERT), so the two never deadlock.
            const agreement = await repos.agreements.findByNetworkTxnId(merchantId, firstTransactionId, true);
            let current = await repos.cardRetry.get(merchantId, firstCard.fingerprint);
            for (let read = 1; ; read++) {
              const live = await liveRetryState(repos, merchantId, current);
              assertReattemptAllowed(live, card, t.createdAt, 'card.firstTransactionId');
              if (!isReattempt(current)) break;
              if (
                await repos.cardRetry.claimReattempt(
                  merchantId,
                  firstCard.fingerprint,
                  current!,
                  t.id,
                  t.createdAt,
                )
              )
                break;
              if (read === 3) throw new Error(`card retry state kept changing under payment ${t.id}`);
              current = await repos.cardRetry.get(merchantId, firstCard.fingerprint);
            }
            if (retry) retry = { ...retry, state: current };
            if (!agreement) return;
            await checkAgreementDebit(repos, agreement, {
              amount: t.amount,
              currency: t.currency,
              at: t.createdAt,
            });
            await recordAgreementDebit(repos, agreement, t.id, t.createdAt);
          }
        : undefined,
  });
  return authorizeAndFinalize(deps, {
    transaction,
    context: { shop, retry, card: sealed },
    request: { initiator, storedCredential: 'subsequent', quotedNetworkTxnId: firstTransactionId },
  });
}
