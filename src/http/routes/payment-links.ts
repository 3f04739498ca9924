import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { validationError } from '../../domain/domain-error.js';
import { cancelPaymentLink } from '../../payments/cancel-payment-link.js';
import { createPaymentLink } from '../../payments/create-payment-link.js';
import { getPaymentLink, type PaymentLinkWithState } from '../../payments/read-payment-link.js';
import { paymentLinkView } from '../../wire/payment-link-view.js';
import { agreementView } from '../../wire/agreement-view.js';
import type { HttpDeps } from '../http-deps.js';
import { sendJson } from '../respond.js';
import { ErrorResponse, MerchantParams, Uuid } from '../schemas/common.js';
import {
  CancelPaymentLinkBody,
  CreatePaymentLinkBody,
  PaymentLinkResponse,
} from '../schemas/payment-link.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
};

/** The last moment a date can name in ISO 8601's four-digit years (9999-12-31T23:59:59Z), in milliseconds. */
const LATEST_MS = 253_402_300_799_000;

/** imoje sends unix seconds; an ISO date-time is accepted too. */
function validToMs(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const ms =
    typeof value === 'number'
      ? value * 1000
      : /^[0-9]{1,12}$/.test(value)
        ? Number(value) * 1000
        : Date.parse(value);
  if (Number.isNaN(ms)) throw validationError('validTo', 'must be unix seconds or an ISO 8601 date-time');
  if (ms > LATEST_MS) throw validationError('validTo', 'must be a date before the year 10000');
  return ms;
}

export function paymentLinkRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const p = deps.payments;
  const view = (x: PaymentLinkWithState) => {
    const payment = paymentLinkView(x.link, x.state, x.transaction?.id ?? null, p.publicUrl());
    // Only a link that declared an agreement shows one; it binds once its payer's registration is paid.
    if (!x.link.agreement) return { payment };
    const status = x.state === 'paid' ? 'active' : 'pending';
    return { payment, agreement: agreementView({ id: null, terms: x.link.agreement }, status) };
  };

  r.post(
    '/payment',
    {
      schema: {
        summary: 'Create a payment link (paid on the hosted paywall at its url, at most once)',
        tags: ['payment links'],
        params: MerchantParams,
        body: CreatePaymentLinkBody,
        response: { 200: PaymentLinkResponse, ...errors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const link = await createPaymentLink(p, request.merchantId, { ...b, validToMs: validToMs(b.validTo) });
      return sendJson(reply, view({ link, state: 'open', transaction: undefined }));
    },
  );

  r.get(
    '/payment/:paymentId',
    {
      schema: {
        summary: 'Read a payment link and whether it was paid',
        tags: ['payment links'],
        params: Type.Object({ merchantId: Type.String({ maxLength: 64 }), paymentId: Uuid }),
        response: { 200: PaymentLinkResponse, ...errors },
      },
    },
    async (request, reply) => {
      return sendJson(reply, view(await getPaymentLink(p, request.merchantId, request.params.paymentId)));
    },
  );

  r.post(
    '/payment/cancel',
    {
      schema: {
        summary: 'Cancel an unpaid payment link (idempotent)',
        tags: ['payment links'],
        params: MerchantParams,
        body: CancelPaymentLinkBody,
        response: { 200: PaymentLinkResponse, ...errors },
      },
    },
    async (request, reply) => {
      const x = await getPaymentLink(p, request.merchantId, request.body.paymentId);
      if (x.link.serviceId !== request.body.serviceId) {
        throw validationError('serviceId', 'is not the service of this payment link');
      }
      return sendJson(reply, view(await cancelPaymentLink(p, request.merchantId, request.body.paymentId)));
    },
  );
}
