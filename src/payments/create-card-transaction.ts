import { validateCardFields } from '../domain/card.js';
import { DomainError, validationError } from '../domain/domain-error.js';
import { decideRegistration } from '../domain/profile.js';
import {
  PAYMENT_METHOD_CODES,
  profileTypeFor,
  type PaymentMethodCode,
  type Transaction,
  type TransactionSource,
} from '../domain/transaction.js';
import { Secret } from '../domain/secret.js';
import { authorizeAndFinalize } from './authorize.js';
import { challengeRedirect } from './challenge-redirect.js';
import type { CreatedTransaction } from './created-transaction.js';
import { debitWithoutProfile } from './debit-without-profile.js';
import { checkedShop, shopForPayment } from './payment-shop.js';
import { challengeEvent } from './transaction-events.js';
import type { PaymentsDeps, RequestContext } from './deps.js';
import type { CardInput, CreateTransactionInput } from './inputs.js';
import { storePending } from './store-pending.js';
import { declaredAgreement, newAgreement, recurringData, type Agreement } from './declare-agreement.js';
import { atShopTime } from './shop-time.js';

/**
 * `POST /transaction` with a card: a one-off 3-D Secure payment (`ecom3ds`), a card registration that creates a
 * OneClick or recurring profile, or the profile-less `FIRST`/`STANDARD` variant. The transaction is stored as
 * pending before the acquirer is asked, with its id as the acquirer's idempotency reference.
 */
export async function createCardTransaction(
  base: PaymentsDeps,
  merchantId: string,
  input: CreateTransactionInput,
  ctx: RequestContext,
  source: TransactionSource = 'api',
): Promise<CreatedTransaction> {
  if (input.paymentMethod !== 'card') {
    throw new DomainError('unsupportedPaymentMethod', [
      {
        property: 'paymentMethod',
        message: `Payment method "${input.paymentMethod}" is not supported; use "card".`,
      },
    ]);
  }
  const code = input.paymentMethodCode as PaymentMethodCode;
  if (!PAYMENT_METHOD_CODES.includes(code)) {
    throw validationError('paymentMethodCode', `Must be one of ${PAYMENT_METHOD_CODES.join(', ')}.`);
  }
  const variant = input.profileType ?? null;
  const stored = profileTypeFor(code);
  const registers = variant === 'FIRST' || variant === 'STANDARD' ? null : stored;
  // A registration reads its shop and its cid's profiles (checked below, before charging) in one statement.
  const registration =
    registers && input.customer.cid
      ? await base.storage.repos.paymentReads.registration(merchantId, input.serviceId, input.customer.cid)
      : undefined;
  const shop = registration
    ? checkedShop(registration.shop, merchantId, input.serviceId, input.amount)
    : await shopForPayment(base, merchantId, input.serviceId, input.amount);
  // From here on, the shop's time (its test clock's, in the sandbox).
  const deps = atShopTime(base, shop);
  const card = input.card;
  if (!card) {
    throw validationError(
      'card',
      'Card data is required; shops without PCI DSS take cards through the widget.',
    );
  }
  if (!shop.pciEnabled && source === 'api') throw new DomainError('plainCardDataDisabled');

  if (stored === null && variant) {
    throw validationError('profileType', 'profileType applies only to oneclick and recurring payments.');
  }
  if (stored !== null && !input.customer.cid) {
    throw validationError('customer.cid', 'cid is required for oneclick and recurring payments.');
  }
  checkCard(card, variant, new Date(deps.clock.now()));
  const terms = declaredAgreement(shop, input.agreement, code, variant, deps.clock.now());

  if (variant === 'STANDARD') {
    return debitWithoutProfile(deps, { merchantId, shop, input, card, ctx, source });
  }

  const fingerprint = deps.vault.fingerprint(card.number);
  if (registers && registration) {
    if (decideRegistration(registration.profiles, fingerprint, registers).kind === 'conflict') {
      throw new DomainError('cidBoundToAnotherCard', [
        { property: 'customer.cid', message: 'This cid already has an active profile for another card.' },
      ]);
    }
  }

  let agreement: Agreement | undefined;
  const { transaction: t, card: sealed } = await storePending(deps, {
    merchantId,
    shop,
    input,
    card,
    ctx,
    source,
    shape: {
      paymentMethodCode: code,
      registers,
      profileVariant: variant,
      initiator: 'CIT',
      profileId: null,
      quotedNetworkTxnId: null,
    },
    alongside: terms
      ? async (repos, pending) => {
          agreement = newAgreement(terms, merchantId, pending.id, pending.createdAt);
          await repos.agreements.insert(agreement);
        }
      : undefined,
  });

  // The card as just sealed: opened from memory, not read back.
  const decision = await deps.vault.withSealedCard(sealed, (clear) => deps.acquirer.threeDSecure(clear));
  if (decision === 'challenge') {
    const now = deps.clock.now();
    const challenged: Transaction = {
      ...t,
      stage: 'challenge',
      challengeExpiresAt: now + deps.challengeTtlMs,
    };
    await deps.storage.transaction(async (trx) => {
      const moved = await trx.transactions.updateTransaction(
        t.id,
        { stage: 'challenge', challengeExpiresAt: challenged.challengeExpiresAt },
        { stage: 'authorizing' },
      );
      if (moved) await trx.events.record(challengeEvent(t.id, now, 'challenge', null));
    });
    return {
      transaction: challenged,
      profile: undefined,
      shopNotificationUrl: shop.notificationUrl,
      action: challengeRedirect(deps, t.id),
      agreement,
    };
  }
  const result = await authorizeAndFinalize(deps, {
    transaction: t,
    context: { shop, card: sealed, declaredAgreement: terms !== null },
    request: {
      cvv: card.cvv ? new Secret(card.cvv) : undefined,
      initiator: 'CIT',
      storedCredential: stored ? 'first' : 'none',
      threeDSecure: 'frictionless',
      payerBrowser: payerBrowser(input.additionalData),
      recurring: terms ? recurringData(terms) : undefined,
    },
  });
  return agreement ? { ...result, agreement } : result;
}

/** imoje's browser fields (imoje-api.md §3.1), and only plain values: nothing else the shop sent is relayed. */
const BROWSER_FIELDS = [
  'ip',
  'language',
  'jsEnabled',
  'timezoneOffset',
  'userAgent',
  'accept',
  'javaEnabled',
  'screenColorDepth',
  'screenHeight',
  'screenWidth',
] as const;

function payerBrowser(
  additionalData: Record<string, unknown> | null | undefined,
): Record<string, string | number | boolean> | undefined {
  const browser = additionalData?.browser;
  if (!browser || typeof browser !== 'object') return undefined;
  const out: Record<string, string | number | boolean> = {};
  for (const field of BROWSER_FIELDS) {
    const value = (browser as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[field] = value;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function checkCard(card: CardInput, variant: string | null, now: Date): void {
  const errors = validateCardFields(card, now, { cvvRequired: variant !== 'STANDARD' });
  if (variant === 'STANDARD') {
    if (card.cvv)
      errors.push({
        property: 'card.cvv',
        message: 'A STANDARD payment carries firstTransactionId instead of cvv.',
      });
    if (!card.firstTransactionId) {
      errors.push({
        property: 'card.firstTransactionId',
        message: 'firstTransactionId is required for STANDARD.',
      });
    }
  }
  if (errors.length > 0) throw new DomainError('invalidCard', errors);
}
