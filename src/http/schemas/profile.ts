import { Type } from '@sinclair/typebox';

export const PaymentProfileSchema = Type.Object({
  id: Type.String(),
  merchantMid: Type.String(),
  merchantCustomerId: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  email: Type.String(),
  maskedNumber: Type.String({ examples: ['****1111'] }),
  month: Type.String({ examples: ['12'] }),
  year: Type.String({ examples: ['2029'] }),
  organization: Type.String({ examples: ['VISA'] }),
  isActive: Type.Union([Type.Literal(1), Type.Literal(0)]),
  profile: Type.Union([Type.Literal('ONE_CLICK'), Type.Literal('RECURRING')]),
  firstTransactionId: Type.String(),
});

export const ProfileResponse = Type.Object({ paymentProfile: PaymentProfileSchema });
export const ProfileListResponse = Type.Object({ paymentProfiles: Type.Array(PaymentProfileSchema) });
