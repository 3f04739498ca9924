import { Type } from '@sinclair/typebox';
import { Uuid } from './common.js';
import { Cursor, Limit } from './notification.js';

export const InboxMessage = Type.Object(
  {
    id: Uuid,
    serviceId: Type.String(),
    receivedAt: Type.String({ format: 'date-time' }),
    headers: Type.Record(Type.String(), Type.String(), {
      description: 'as received (lowercase names), without hop-by-hop headers and credentials',
    }),
    body: Type.String({ description: 'the body as UTF-8 text' }),
    bodyBase64: Type.String({ description: 'the exact bytes received' }),
    signature: Type.Union([Type.String(), Type.Null()], { description: 'X-Imoje-Signature as received' }),
    verified: Type.Boolean({ description: "the signature matched the body under the shop's serviceKey" }),
    transactionId: Type.Union([Type.String(), Type.Null()]),
    event: Type.Union([Type.String(), Type.Null()], { description: 'the notified `transaction.status`' }),
  },
  { title: 'KartotekaInboxMessage' },
);

export const InboxListQuery = Type.Object(
  { cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) },
  { additionalProperties: false },
);

export const InboxListResponse = Type.Object({
  messages: Type.Array(InboxMessage),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const InboxMessageResponse = Type.Object({ message: InboxMessage });
