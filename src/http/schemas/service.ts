import { Type } from '@sinclair/typebox';
import { PAYMENT_METHOD_CODES } from '../../domain/transaction.js';
import { Amount, CurrencySchema, Opt, Uuid } from './common.js';

const Images = Type.Array(
  Type.Object({ png: Type.String({ description: 'logo URL (an SVG served by the gateway)' }) }),
);
const Code = Type.Union(PAYMENT_METHOD_CODES.map((c) => Type.Literal(c)));
const Limit = Type.Object({
  type: Type.Literal('number'),
  value: Type.Integer({ description: 'minor units' }),
});

export const ServicePaymentMethodSchema = Type.Object({
  paymentMethod: Type.Literal('card'),
  paymentMethodCode: Code,
  isActive: Type.Boolean(),
  isOnline: Type.Boolean(),
  description: Type.String(),
  currency: Type.String({ examples: ['PLN'] }),
  transactionLimits: Type.Object({ minTransaction: Limit, maxTransaction: Limit }),
  paymentMethodImage: Images,
  paymentMethodCodeImage: Images,
});

export const ServiceSchema = Type.Object({
  id: Type.String(),
  created: Type.Integer({ description: 'Unix seconds' }),
  isActive: Type.Boolean(),
  paymentMethods: Type.Array(ServicePaymentMethodSchema),
});

export const ServiceResponse = Type.Object({ service: ServiceSchema });
export const ServiceListResponse = Type.Array(Type.Object({ service: ServiceSchema }));

export const ServiceParams = Type.Object({ merchantId: Type.String({ maxLength: 64 }), serviceId: Uuid });

export const GetPaymentMethodsBody = Type.Object({
  amount: Amount,
  currency: CurrencySchema,
  device: Opt(Type.Union([Type.Literal('desktop'), Type.Literal('mobile')])),
  locale: Opt(Type.String({ maxLength: 2 })),
});

export const PaymentMethodsResponse = Type.Array(
  Type.Object({
    label: Type.String(),
    isOnline: Type.Boolean(),
    image: Images,
    channels: Type.Array(
      Type.Object({
        paymentMethod: Type.Literal('card'),
        paymentMethodCode: Code,
        label: Type.String(),
        priority: Type.Integer(),
        isOnline: Type.Boolean(),
        image: Images,
      }),
    ),
    priority: Type.Integer(),
  }),
);
