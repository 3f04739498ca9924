import { Type, type TSchema } from '@sinclair/typebox';
import { CURRENCIES, MAX_AMOUNT, MIN_AMOUNT, type Currency } from '../../domain/money.js';
import { UUID_V4_PATTERN } from '../../domain/ids.js';
import { API_CID_RULE, CID_RULE, ORDER_ID_RULE, TITLE_RULE, URL_RULE } from '../../domain/field-rules.js';

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
// The character rules live in domain/field-rules.ts, shared with the widget and the paywall.
export const OrderId = Type.String({
  minLength: ORDER_ID_RULE.minLength,
  maxLength: ORDER_ID_RULE.maxLength,
  pattern: ORDER_ID_RULE.pattern,
});
export const Title = Type.String({ maxLength: TITLE_RULE.maxLength, pattern: TITLE_RULE.pattern });
/** A cid a shop sends in a body (`customer.cid`): imoje's API refuses `_` there. */
export const Cid = Type.String({
  minLength: API_CID_RULE.minLength,
  maxLength: API_CID_RULE.maxLength,
  pattern: API_CID_RULE.pattern,
});
/** A cid looked up (path or query): any cid there can be, the widget's `_` included. */
export const CidLookup = Type.String({
  minLength: CID_RULE.minLength,
  maxLength: CID_RULE.maxLength,
  pattern: CID_RULE.pattern,
});
export const Url = Type.String({
  maxLength: URL_RULE.maxLength,
  pattern: URL_RULE.pattern,
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
