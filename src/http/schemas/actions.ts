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

/**
 * Capture: imoje's clients send no body, `{}` or `[]` and capture the whole authorised amount. Kartoteka also
 * takes `{amount}`, at most the authorised amount: that much is captured and the rest of the hold released.
 */
export const CaptureBody = Type.Union(
  [
    Type.Object({
      amount: Opt({
        ...Amount,
        description:
          'minor units, at most the authorised amount; absent or null: the whole authorised amount',
      }),
    }),
    Type.Array(Type.Unknown(), { maxItems: 0 }),
    Type.Null(),
  ],
  { description: 'Optional. `{amount}` captures part of the hold and releases the rest.' },
);
