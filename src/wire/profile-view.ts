import type { PaymentProfile } from '../domain/profile.js';

/** imoje's `paymentProfile` object. */
export interface PaymentProfileView {
  id: string;
  merchantMid: string;
  merchantCustomerId: string;
  firstName: string;
  lastName: string;
  email: string;
  maskedNumber: string;
  month: string;
  year: string;
  organization: string;
  isActive: 0 | 1;
  profile: 'ONE_CLICK' | 'RECURRING';
  firstTransactionId: string;
}

export function profileView(p: PaymentProfile): PaymentProfileView {
  return {
    id: p.id,
    merchantMid: p.merchantId,
    merchantCustomerId: p.cid,
    firstName: p.firstName,
    lastName: p.lastName,
    email: p.email,
    maskedNumber: p.maskedNumber,
    month: p.month,
    year: p.year,
    organization: p.organization,
    isActive: p.isActive ? 1 : 0,
    profile: p.type,
    firstTransactionId: p.firstTransactionId,
  };
}
