import { Type, type Static } from '@sinclair/typebox';
import { TRANSACTION_STATUSES } from '../../domain/transaction.js';
import { Amount, Cid, CurrencySchema, Opt, OrderId, Title, Url, Uuid } from './common.js';
import { PaymentProfileSchema } from './profile.js';
import { AgreementSchema, AgreementViewSchema } from './agreement.js';
import { EMAIL_RULE, PERSON_NAME_RULE, PHONE_RULE } from '../../domain/field-rules.js';

const Name = Type.String({ minLength: PERSON_NAME_RULE.minLength, maxLength: PERSON_NAME_RULE.maxLength });

export const CustomerSchema = Type.Object({
  firstName: Name,
  lastName: Name,
  email: Type.String({
    minLength: EMAIL_RULE.minLength,
    maxLength: EMAIL_RULE.maxLength,
    pattern: EMAIL_RULE.pattern,
  }),
  cid: Opt(Cid),
  phone: Opt(Type.String({ maxLength: PHONE_RULE.maxLength, pattern: PHONE_RULE.pattern })),
  company: Opt(Type.String({ maxLength: 200 })),
  locale: Opt(Type.String({ maxLength: 10 })),
});

export const CardSchema = Type.Object({
  number: Type.String({ maxLength: 32 }),
  month: Type.String({ maxLength: 2 }),
  year: Type.String({ maxLength: 4 }),
  cvv: Opt(Type.String({ maxLength: 4 })),
  firstName: Name,
  lastName: Name,
  firstTransactionId: Opt(Type.String({ minLength: 1, maxLength: 64 })),
});

export const CreateTransactionBody = Type.Object({
  type: Type.Literal('sale'),
  serviceId: Uuid,
  amount: Amount,
  currency: CurrencySchema,
  orderId: OrderId,
  title: Opt(Title),
  paymentMethod: Type.String({ minLength: 1, maxLength: 50 }),
  paymentMethodCode: Type.String({ minLength: 1, maxLength: 50 }),
  successReturnUrl: Url,
  failureReturnUrl: Url,
  notificationUrl: Opt(Url),
  customer: CustomerSchema,
  card: Opt(CardSchema),
  additionalData: Opt(Type.Object({}, { additionalProperties: true })),
  profileType: Opt(Type.Union([Type.Literal('FIRST'), Type.Literal('STANDARD')])),
  clientIp: Opt(Type.String({ maxLength: 45 })),
  validTo: Opt(Type.Union([Type.String({ maxLength: 30 }), Type.Integer()])),
  billing: Opt(Type.Object({}, { additionalProperties: true })),
  shipping: Opt(Type.Object({}, { additionalProperties: true })),
  agreement: Opt(AgreementSchema),
});
export type CreateTransactionBody = Static<typeof CreateTransactionBody>;

export const DebitProfileBody = Type.Object({
  serviceId: Uuid,
  paymentProfileId: Uuid,
  amount: Amount,
  currency: CurrencySchema,
  orderId: OrderId,
  title: Opt(Title),
  notificationUrl: Opt(Url),
});
export type DebitProfileBody = Static<typeof DebitProfileBody>;

const TransactionBase = {
  id: Type.String(),
  type: Type.Union([Type.Literal('sale'), Type.Literal('refund')]),
  status: Type.Unsafe<string>({ type: 'string', enum: [...TRANSACTION_STATUSES] }),
  source: Type.Union([Type.Literal('api'), Type.Literal('web')]),
  created: Type.Integer({ description: 'Unix seconds' }),
  modified: Type.Integer({ description: 'Unix seconds' }),
  notificationUrl: Type.String(),
  serviceId: Type.String(),
  amount: Type.Integer(),
  currency: Type.String(),
  title: Type.String(),
  orderId: Type.String(),
  paymentMethod: Type.Literal('card'),
  paymentMethodCode: Type.String(),
  payment: Type.Object({ id: Type.String(), status: Type.String() }),
  statusCode: Type.Optional(Type.String({ examples: ['CODE_000'] })),
  statusCodeDescription: Type.Optional(Type.String({ examples: ['CODE_000 - OK'] })),
  paymentProfile: Type.Optional(PaymentProfileSchema),
  firstTransactionId: Type.Optional(
    Type.String({
      description:
        'Only on a settled (or authorized) `profileType: FIRST` registration; a registration that creates a profile has it in `paymentProfile.firstTransactionId` only.',
    }),
  ),
  parentTransactionId: Type.Optional(Type.String()),
};

export const RefundTransactionSchema = Type.Object(TransactionBase);
export const TransactionSchema = Type.Object({
  ...TransactionBase,
  refunds: Type.Optional(
    Type.Array(Type.Object({ transaction: RefundTransactionSchema }), {
      description:
        'On every GET /transaction/{id}: the sale’s refunds, `[]` on a refund; absent from POST answers.',
    }),
  ),
});

export const RedirectActionSchema = Type.Object({
  type: Type.Literal('redirect'),
  url: Type.String(),
  method: Type.Literal('GET'),
  contentType: Type.Literal(''),
  contentBodyRaw: Type.Literal(''),
});

export const TransactionResponse = Type.Object({
  transaction: TransactionSchema,
  action: Type.Optional(RedirectActionSchema),
  /** Kartoteka's extension: only when the registration declared an agreement. */
  agreement: Type.Optional(AgreementViewSchema),
});

export const TransactionParams = Type.Object({
  merchantId: Type.String({ maxLength: 64 }),
  transactionId: Uuid,
});
