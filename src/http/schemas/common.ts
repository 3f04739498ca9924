import { Type, type TSchema } from '@sinclair/typebox';
import { CURRENCIES, MAX_AMOUNT, MIN_AMOUNT, type Currency } from '../../domain/money.js';
import { UUID_V4_PATTERN } from '../../domain/ids.js';

/** imoje clients send explicit `null` for optional fields; accept it everywhere a field is optional. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const Opt = <T extends TSchema>(schema: T) => Type.Optional(Nullable(schema));

export const Uuid = Type.String({ pattern: UUID_V4_PATTERN, description: 'lowercase UUID v4' });
export const MerchantId = Type.String({
  pattern: '^[a-z0-9]{20}$',
  description: '20 lowercase letters/digits',
});
export const Amount = Type.Integer({ minimum: MIN_AMOUNT, maximum: MAX_AMOUNT, description: 'minor units' });
export const CurrencySchema = Type.Unsafe<Currency>({ type: 'string', enum: [...CURRENCIES] });
export const OrderId = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9#_\\-\\.\\\\/ \\u00C0-\\u02C0]+$',
});
export const Title = Type.String({
  maxLength: 255,
  pattern: '^[A-Za-z0-9#&_\\-,\\.\\\\/ \\u00C0-\\u02C0"\']*$',
});
export const Cid = Type.String({ minLength: 1, maxLength: 36, pattern: '^[A-Za-z0-9\\x2D]+$' });
export const Url = Type.String({
  maxLength: 300,
  pattern: '^https?://[^\\s]+$',
  description: 'absolute http(s) URL',
});

export const ErrorResponse = Type.Object(
  {
    apiErrorResponse: Type.Object({
      code: Type.String(),
      message: Type.String(),
      instance: Type.Unknown(),
      errors: Type.Array(Type.Object({ property: Type.String(), message: Type.String() })),
    }),
  },
  { $id: 'ApiErrorResponse' },
);

export const MerchantParams = Type.Object({ merchantId: Type.String({ maxLength: 64 }) });
