import { Type } from '@sinclair/typebox';
import { AGREEMENT_UNITS, MAX_CYCLES, MAX_FREQUENCY_DAYS } from '../../domain/agreement.js';
import { MAX_AMOUNT, MIN_AMOUNT } from '../../domain/money.js';
import { Amount, CurrencySchema, Opt, Uuid } from './common.js';

const Day = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
  description: 'a calendar date, YYYY-MM-DD (UTC)',
});
const Unit = Type.Unsafe<string>({ type: 'string', enum: [...AGREEMENT_UNITS] });

/**
 * Kartoteka's extension to `POST /transaction` (issue 15): the recurring agreement a `recurring` registration
 * (or `FIRST`) declares. Absent, the request is imoje's exactly.
 */
export const AgreementSchema = Type.Object(
  {
    amount: Opt(
      Type.Integer({
        minimum: MIN_AMOUNT,
        maximum: MAX_AMOUNT,
        description: 'fixed amount of every debit, minor units',
      }),
    ),
    maxAmount: Opt(
      Type.Integer({
        minimum: MIN_AMOUNT,
        maximum: MAX_AMOUNT,
        description: 'largest amount of a debit, minor units',
      }),
    ),
    currency: CurrencySchema,
    interval: Opt(
      Type.Object({
        unit: Unit,
        count: Opt(Type.Integer({ minimum: 1, maximum: MAX_FREQUENCY_DAYS, description: 'default 1' })),
      }),
    ),
    minDays: Opt(
      Type.Integer({ minimum: 1, maximum: MAX_FREQUENCY_DAYS, description: 'minimum days between debits' }),
    ),
    startAt: Opt(Day),
    expiresAt: Opt(Day),
    maxCycles: Opt(Type.Integer({ minimum: 1, maximum: MAX_CYCLES })),
  },
  {
    description:
      'Kartoteka extension. Exactly one of amount/maxAmount and one of interval/minDays. See docs/recurring.md.',
  },
);

export const AgreementViewSchema = Type.Object(
  {
    id: Type.Optional(
      Type.String({ description: 'absent on a payment link, whose agreement is made at payment' }),
    ),
    status: Type.Union([Type.Literal('pending'), Type.Literal('active'), Type.Literal('void')]),
    amount: Type.Optional(Amount),
    maxAmount: Type.Optional(Amount),
    currency: Type.String(),
    interval: Type.Optional(Type.Object({ unit: Unit, count: Type.Integer() })),
    minDays: Type.Optional(Type.Integer()),
    startAt: Type.Optional(Type.String()),
    expiresAt: Type.Optional(Type.String()),
    maxCycles: Type.Optional(Type.Integer()),
    frequencyDays: Type.Integer({ description: 'EMV 3-D Secure recurringFrequency' }),
    description: Type.String({ examples: ['PLN 49.00 every month until 2027-12-01'] }),
    usage: Type.Optional(
      Type.Object({
        cycles: Type.Integer({ description: 'debits that count against the agreement' }),
        lastDebitAt: Type.Union([Type.String(), Type.Null()]),
        nextDebitAt: Type.Union([Type.String(), Type.Null()], {
          description: 'earliest next debit; null when no more are allowed',
        }),
      }),
    ),
  },
  { description: 'Kartoteka extension: a recurring agreement' },
);

export const AgreementResponse = Type.Object({ agreement: AgreementViewSchema });

export const ProfileAgreementParams = Type.Object({
  merchantId: Type.String({ maxLength: 64 }),
  paymentProfileId: Uuid,
});

export const TransactionAgreementParams = Type.Object({
  merchantId: Type.String({ maxLength: 64 }),
  transactionId: Uuid,
});
