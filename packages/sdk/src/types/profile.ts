import type { Currency, ProfileKind } from './enums.js';

/** A stored card of one payer (`cid`); only masked card data is ever exposed. */
export interface PaymentProfile {
  id: string;
  merchantMid: string;
  /** The payer id (`cid`) the profile was registered under. */
  merchantCustomerId: string;
  firstName: string;
  lastName: string;
  email: string;
  /** e.g. `"****1111"` */
  maskedNumber: string;
  /** `"MM"` */
  month: string;
  /** `"YYYY"` */
  year: string;
  /** `"VISA"`, `"MASTERCARD"`, … */
  organization: string;
  isActive: 0 | 1;
  profile: ProfileKind;
  /** The acquirer's reference of the registration payment (opaque). */
  firstTransactionId: string;
}

export interface ProfileResponse {
  paymentProfile: PaymentProfile;
}

export interface ProfileListResponse {
  paymentProfiles: PaymentProfile[];
}

export interface DebitProfileRequest {
  serviceId: string;
  paymentProfileId: string;
  /** Minor units, 1…999999999. */
  amount: number;
  currency: Currency;
  orderId: string;
  title?: string | null;
  notificationUrl?: string | null;
}
