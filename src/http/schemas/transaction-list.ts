import { Type } from '@sinclair/typebox';
import { TRANSACTION_STATUSES } from '../../domain/transaction.js';
import { MAX_PAGE } from '../../payments/list-transactions.js';
import { CidLookup, OrderId } from './common.js';
import { RefundTransactionSchema } from './transaction.js';

// Query strings arrive as text (the validator doesn't coerce), so numbers are digit strings.
const Digits = (description: string) => Type.String({ pattern: '^[0-9]{1,15}$', description });

export const TransactionListQuery = Type.Object(
  {
    status: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: [...TRANSACTION_STATUSES] })),
    type: Type.Optional(Type.Unsafe<'sale' | 'refund'>({ type: 'string', enum: ['sale', 'refund'] })),
    orderId: Type.Optional(OrderId),
    cid: Type.Optional(CidLookup),
    amountMin: Type.Optional(Digits('minor units, inclusive')),
    amountMax: Type.Optional(Digits('minor units, inclusive')),
    createdFrom: Type.Optional(Digits('Unix seconds, inclusive')),
    createdTo: Type.Optional(Digits('Unix seconds, exclusive')),
    cursor: Type.Optional(
      Type.String({
        maxLength: 200,
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'nextCursor of the page before',
      }),
    ),
    limit: Type.Optional(
      Type.String({ pattern: '^(100|[1-9][0-9]?)$', description: `1–${MAX_PAGE}, default 20` }),
    ),
  },
  { additionalProperties: false },
);

const MaskedCard = Type.Union([
  Type.Object({
    brand: Type.String(),
    maskedNumber: Type.String({ description: 'only the last four digits' }),
  }),
  Type.Null(),
]);

export const ListedTransaction = Type.Object({
  // imoje's transaction object, as `GET /transaction/{id}` shows it (without refunds).
  transaction: RefundTransactionSchema,
  cid: Type.Union([Type.String(), Type.Null()]),
  card: MaskedCard,
});

export const TransactionListResponse = Type.Object({
  transactions: Type.Array(ListedTransaction),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const TimelineResponse = Type.Object({
  transaction: RefundTransactionSchema,
  card: MaskedCard,
  refunds: Type.Array(RefundTransactionSchema),
  timeline: Type.Array(
    Type.Object({
      at: Type.Integer({ description: 'Unix ms' }),
      transactionId: Type.String(),
      kind: Type.Unsafe<string>({
        type: 'string',
        enum: ['created', 'challenge', 'challenge-answered', 'status', 'refund', 'notification-attempt'],
      }),
      status: Nullable(Type.String()),
      code: Nullable(Type.String()),
      detail: Nullable(Type.String()),
      notificationId: Type.Optional(Type.String()),
    }),
  ),
  notifications: Type.Array(
    Type.Object({
      id: Type.String(),
      transactionId: Type.String(),
      ordinal: Type.Integer(),
      url: Nullable(Type.String()),
      status: Type.String(),
      notifiedStatus: Nullable(Type.String()),
      createdAt: Type.Integer({ description: 'Unix ms' }),
      deliveredAt: Type.Union([Type.Integer(), Type.Null()]),
      attempts: Type.Array(
        Type.Object({
          attemptedAt: Type.Integer({ description: 'Unix ms' }),
          url: Nullable(Type.String()),
          httpStatus: Type.Union([Type.Integer(), Type.Null()]),
          error: Nullable(Type.String()),
          durationMs: Type.Integer(),
          signature: Nullable(Type.String({ description: 'the X-Imoje-Signature sent' })),
          responseExcerpt: Nullable(
            Type.String({ description: 'the start of the answer (up to 1024 bytes), masked' }),
          ),
        }),
      ),
    }),
  ),
});
