import { Type } from '@sinclair/typebox';
import { Nullable, Opt, Uuid } from './common.js';

const Instant = Type.String({
  maxLength: 40,
  description: 'ISO 8601 date (2027-01-01, midnight UTC) or date-time with Z or an offset',
});

export const TestClockParams = Type.Object({ merchantId: Type.String({ maxLength: 64 }), serviceId: Uuid });

export const FreezeTestClockBody = Nullable(
  Type.Object({ frozenAt: Opt(Instant) }, { additionalProperties: false }),
);

export const AdvanceTestClockBody = Nullable(
  Type.Object(
    {
      by: Opt(
        Type.String({
          maxLength: 40,
          description: 'A duration: 1mo, 7d, 1y2mo, 36h, 90min, 30s, 2w, or ISO 8601 (P1M, P1DT12H)',
        }),
      ),
      to: Opt(Instant),
    },
    { additionalProperties: false },
  ),
);

const TestClock = Type.Object({
  serviceId: Type.String(),
  frozenAt: Type.String({ description: "The shop's frozen time, ISO 8601 UTC" }),
  advancingTo: Nullable(
    Type.String({ description: 'Target of an advance running, or interrupted and not yet finished' }),
  ),
  advancing: Type.Boolean({ description: 'Whether an advance holds the clock right now' }),
});

export const TestClockResponse = Type.Object({ testClock: TestClock });

export const DeletedTestClockResponse = Type.Object({ testClock: Type.Null() });

export const AdvanceTestClockResponse = Type.Object({
  testClock: TestClock,
  advance: Type.Object({
    from: Type.String(),
    to: Type.String(),
    steps: Type.Integer({ description: 'Moments the clock stopped at to run what was due' }),
    handled: Type.Record(Type.String(), Type.Integer(), {
      description:
        'Items handled per kind of due work (challenge-expiry, notifications, idempotency-expiry, …)',
    }),
  }),
});
