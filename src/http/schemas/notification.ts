import { Type } from '@sinclair/typebox';
import { MAX_PAGE_SIZE } from '../../domain/cursor.js';
import { Uuid } from './common.js';

const Iso = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });
const NullableIso = Type.Union([Iso, Type.Null()]);

export const NotificationStatusSchema = Type.Unsafe<'pending' | 'delivered' | 'failed'>({
  type: 'string',
  enum: ['pending', 'delivered', 'failed'],
  description:
    'pending: queued or being retried; delivered: the shop answered 2xx; failed: retries exhausted',
});

export const DeliveryAttempt = Type.Object({
  attemptedAt: Iso,
  url: Type.Union([Type.String(), Type.Null()]),
  httpStatus: Type.Union([Type.Integer(), Type.Null()], { description: 'null: no answer' }),
  error: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Integer(),
  responseExcerpt: Type.Union([Type.String(), Type.Null()], {
    description: "the start of the shop's answer (at most 1 KiB, card numbers masked)",
  }),
  signature: Type.Union([Type.String(), Type.Null()], { description: 'the X-Imoje-Signature header sent' }),
});

export const Notification = Type.Object(
  {
    id: Uuid,
    transactionId: Type.String(),
    serviceId: Type.String(),
    ordinal: Type.Integer({ description: "1, 2, … in the order of the transaction's status changes" }),
    url: Type.Union([Type.String(), Type.Null()]),
    status: NotificationStatusSchema,
    attempts: Type.Integer({ description: 'attempts in the current retry schedule (a resend starts anew)' }),
    nextAttemptAt: NullableIso,
    lastError: Type.Union([Type.String(), Type.Null()]),
    createdAt: Iso,
    deliveredAt: NullableIso,
    body: Type.String({ description: 'the exact JSON signed and sent' }),
    deliveryAttempts: Type.Array(DeliveryAttempt),
  },
  { title: 'KartotekaNotification' },
);

/** A query string value: digits, 1…MAX_PAGE_SIZE (checked by the route; the validator doesn't coerce). */
export const Limit = Type.String({
  pattern: '^[1-9][0-9]{0,2}$',
  description: `page size, 1 to ${MAX_PAGE_SIZE} (default 20)`,
});
export const Cursor = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'opaque: the `nextCursor` of the previous page',
});

export const NotificationListQuery = Type.Object(
  {
    transactionId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    status: Type.Optional(NotificationStatusSchema),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'created at or after (ISO 8601)' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'created at or before (ISO 8601)' })),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Limit),
  },
  { additionalProperties: false },
);

export const NotificationListResponse = Type.Object({
  notifications: Type.Array(Notification),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page' }),
});

export const NotificationResponse = Type.Object({ notification: Notification });
