import { Type, type Static } from '@sinclair/typebox';
import { Amount, Cid, CurrencySchema, Nullable, Opt, OrderId, Title, Url, Uuid } from './common.js';
import { AgreementSchema, AgreementViewSchema } from './agreement.js';

const Name = Type.String({ minLength: 1, maxLength: 100 });

export const CreatePaymentLinkBody = Type.Object({
  serviceId: Uuid,
  amount: Amount,
  currency: CurrencySchema,
  orderId: OrderId,
  customer: Type.Object({
    firstName: Name,
    lastName: Name,
    email: Type.String({ minLength: 3, maxLength: 200, pattern: '^[^@\\s]+@[^@\\s]+$' }),
    phone: Opt(Type.String({ maxLength: 20, pattern: '^[0-9\\+\\- ]+$' })),
    cid: Opt(Cid),
    company: Opt(Type.String({ maxLength: 200 })),
    locale: Opt(Type.String({ maxLength: 10 })),
  }),
  title: Opt(Title),
  additionalDescription: Opt(Type.String({ maxLength: 255 })),
  visibleMethod: Opt(Type.Array(Type.String({ minLength: 1, maxLength: 30 }), { maxItems: 20 })),
  preselectMethodCode: Opt(Type.String({ minLength: 1, maxLength: 20 })),
  returnUrl: Opt(Url),
  successReturnUrl: Opt(Url),
  failureReturnUrl: Opt(Url),
  notificationUrl: Opt(Url),
  validTo: Opt(
    Type.Union([Type.Integer({ minimum: 0 }), Type.String({ maxLength: 30 })], {
      description: 'Unix seconds (or an ISO 8601 date-time)',
    }),
  ),
  agreement: Opt(AgreementSchema),
});
export type CreatePaymentLinkBody = Static<typeof CreatePaymentLinkBody>;

export const CancelPaymentLinkBody = Type.Object({ serviceId: Uuid, paymentId: Uuid });

export const PaymentLinkSchema = Type.Object({
  id: Type.String(),
  url: Type.String({ description: 'the hosted paywall page for this link, on the gateway’s origin' }),
  serviceId: Type.String(),
  orderId: Type.String(),
  amount: Type.Integer(),
  currency: Type.String(),
  title: Type.String(),
  customer: Type.Object({
    firstName: Type.String(),
    lastName: Type.String(),
    email: Type.String(),
    phone: Nullable(Type.String()),
    cid: Nullable(Type.String()),
  }),
  visibleMethod: Type.Array(Type.String()),
  preselectMethodCode: Nullable(Type.String()),
  returnUrl: Nullable(Type.String()),
  successReturnUrl: Nullable(Type.String()),
  failureReturnUrl: Nullable(Type.String()),
  notificationUrl: Nullable(Type.String()),
  validTo: Type.Integer({ description: 'Unix seconds' }),
  isActive: Type.Boolean({ description: 'true while the link can be paid' }),
  status: Type.Union(['open', 'paying', 'paid', 'cancelled', 'expired'].map((s) => Type.Literal(s))),
  transactionId: Nullable(Type.String()),
  created: Type.Integer(),
  modified: Type.Integer(),
});

export const PaymentLinkResponse = Type.Object({
  payment: PaymentLinkSchema,
  /** Kartoteka's extension: only for a link that declared an agreement. */
  agreement: Type.Optional(AgreementViewSchema),
});
