import type { RecurringData } from '../acquirer/acquirer.js';
import {
  frequencyDays,
  recurringExpiry,
  validateAgreement,
  type AgreementInput,
  type AgreementTerms,
} from '../domain/agreement.js';
import { DomainError } from '../domain/domain-error.js';
import { newId } from '../domain/ids.js';
import type { PaymentMethodCode, ProfileVariant } from '../domain/transaction.js';
import type { Agreement } from '../storage/agreement-repo.js';
import type { Shop } from '../storage/merchant-repo.js';

export type { Agreement } from '../storage/agreement-repo.js';

/**
 * The agreement a card registration declares, checked before anything is stored: only a `recurring`
 * registration (with a profile, or `FIRST`) may declare one, a shop with `agreementRequired` must, and the
 * terms must be valid. Null when none was declared (imoje's behaviour).
 */
export function declaredAgreement(
  shop: Shop,
  declared: AgreementInput | null | undefined,
  code: PaymentMethodCode,
  variant: ProfileVariant | null,
  now: number,
): AgreementTerms | null {
  const registersRecurring = code === 'recurring' && variant !== 'STANDARD';
  if (declared === null || declared === undefined) {
    if (registersRecurring && shop.agreementRequired) {
      throw new DomainError('agreementRequired', [
        { property: 'agreement', message: 'Declare the recurring agreement for this registration.' },
      ]);
    }
    return null;
  }
  if (!registersRecurring) {
    throw new DomainError('agreementInvalid', [
      {
        property: 'agreement',
        message:
          variant === 'STANDARD'
            ? 'The agreement is declared once, at registration (or FIRST); a STANDARD payment is checked against it.'
            : 'An agreement applies only to a recurring registration (paymentMethodCode "recurring").',
      },
    ]);
  }
  const checked = validateAgreement(declared, now);
  if (!checked.ok) throw new DomainError('agreementInvalid', checked.errors);
  return checked.terms;
}

/** The row an agreement starts as: tied to its registering transaction, binding once that is paid. */
export function newAgreement(
  terms: AgreementTerms,
  merchantId: string,
  transactionId: string,
  now: number,
): Agreement {
  return {
    id: newId(),
    merchantId,
    transactionId,
    networkTxnId: null,
    profileId: null,
    terms,
    createdAt: now,
    activatedAt: null,
  };
}

/** EMV 3-D Secure recurring data for the acquirer: frequency in days, expiry, amount and its kind. */
export function recurringData(terms: AgreementTerms): RecurringData {
  return {
    frequencyDays: frequencyDays(terms),
    expiry: recurringExpiry(terms),
    amount: terms.amount ?? terms.maxAmount!,
    amountType: terms.amount !== null ? 'fixed' : 'variable',
    currency: terms.currency,
    maxCycles: terms.maxCycles,
  };
}
