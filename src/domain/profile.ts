import type { ProfileType } from './transaction.js';

export interface PaymentProfile {
  id: string;
  merchantId: string;
  serviceId: string;
  cid: string;
  type: ProfileType;
  isActive: boolean;
  cardId: string;
  fingerprint: string;
  firstName: string;
  lastName: string;
  email: string;
  maskedNumber: string;
  month: string;
  year: string;
  organization: string;
  firstTransactionId: string;
  createdAt: number;
  modifiedAt: number;
}

export type RegistrationDecision =
  | { kind: 'create' }
  | { kind: 'refresh'; profile: PaymentProfile }
  | { kind: 'conflict'; profile: PaymentProfile };

/**
 * imoje: "each payment instrument must have its own unique cid". Given the payer's existing profiles, decide
 * what registering a card does: the same card again under the same type refreshes that profile (new expiry),
 * a different card while an active profile exists is refused, anything else creates a new profile.
 */
export function decideRegistration(
  existing: readonly PaymentProfile[],
  fingerprint: string,
  type: ProfileType,
): RegistrationDecision {
  const active = existing.filter((p) => p.isActive);
  const other = active.find((p) => p.fingerprint !== fingerprint);
  if (other) return { kind: 'conflict', profile: other };
  const same = active.find((p) => p.type === type);
  if (same) return { kind: 'refresh', profile: same };
  return { kind: 'create' };
}
