import { Type, type Static } from '@sinclair/typebox';
import { Amount, CurrencySchema, Nullable, Opt, Title, Uuid } from './common.js';

const UnixSeconds = Type.Integer({ minimum: 0, maximum: 32_503_680_000, description: 'Unix seconds' });

export const Interval = Type.Object(
  {
    unit: Type.Union([
      Type.Literal('day'),
      Type.Literal('week'),
      Type.Literal('month'),
      Type.Literal('year'),
    ]),
    count: Type.Integer({ minimum: 1, maximum: 366, description: 'at most a year in all' }),
  },
  { additionalProperties: false },
);

export const CreateScheduleBody = Type.Object(
  {
    paymentProfileId: Uuid,
    amount: Amount,
    currency: CurrencySchema,
    title: Opt(Title),
    interval: Interval,
    startAt: Opt({ ...UnixSeconds, description: 'the first cycle (Unix seconds); absent: now' }),
    endAt: Opt({ ...UnixSeconds, description: 'no cycle after this moment (Unix seconds)' }),
    maxCycles: Opt(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);
export type CreateScheduleBody = Static<typeof CreateScheduleBody>;

const Status = Type.Union(['active', 'paused', 'past_due', 'ended', 'cancelled'].map((s) => Type.Literal(s)));

export const ScheduleSchema = Type.Object({
  id: Type.String(),
  serviceId: Type.String(),
  paymentProfileId: Type.String(),
  amount: Type.Integer(),
  currency: Type.String(),
  title: Type.String(),
  interval: Type.Object({ unit: Type.String(), count: Type.Integer() }),
  startAt: Type.Integer(),
  endAt: Nullable(Type.Integer()),
  maxCycles: Nullable(Type.Integer()),
  status: Status,
  endReason: Nullable(
    Type.String({
      description: 'completed, hard_decline, retries_exhausted, card_not_updated, profile_inactive',
    }),
  ),
  cycle: Type.Integer({ description: 'the cycle being worked on (1-based)' }),
  cycleDueAt: Type.Integer(),
  attempts: Type.Integer({ description: 'debits made of that cycle so far' }),
  nextChargeAt: Nullable(Type.Integer()),
  cyclesSettled: Type.Integer(),
  lastTransactionId: Nullable(Type.String()),
  created: Type.Integer(),
  modified: Type.Integer(),
});

export const ScheduleResponse = Type.Object({ schedule: ScheduleSchema });
export const ScheduleListResponse = Type.Object({ schedules: Type.Array(ScheduleSchema) });

export const ScheduleParams = Type.Object({ merchantId: Type.String({ maxLength: 64 }), scheduleId: Uuid });
export const ScheduleActionParams = Type.Object({
  merchantId: Type.String({ maxLength: 64 }),
  scheduleId: Uuid,
  action: Type.Union([Type.Literal('pause'), Type.Literal('resume'), Type.Literal('cancel')]),
});

export const ScheduleListQuery = Type.Object({
  paymentProfileId: Type.Optional(Uuid),
  status: Type.Optional(Status),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});
