import { Type } from '@sinclair/typebox';
import { Amount, Opt, Title, Uuid } from './common.js';

export const RefundBody = Type.Object({
  type: Type.Literal('refund'),
  serviceId: Uuid,
  amount: Amount,
  title: Opt(Title),
  sendRefundConfirmationEmail: Opt(Type.Boolean()),
});

export const CanRefundBody = Type.Object({ amount: Amount });

export const CanRefundResponse = Type.Object({
  id: Type.String(),
  refundable: Type.Boolean(),
  balance: Type.Integer(),
  fullRefund: Type.Boolean(),
  partialRefund: Type.Object({ maxRefundAmount: Type.Integer(), minRefundAmount: Type.Integer() }),
});
