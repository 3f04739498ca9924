import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { getService, listServices } from '../../payments/services.js';
import { paymentMethodsView, serviceView } from '../../wire/service-view.js';
import type { HttpDeps } from '../http-deps.js';
import { sendJson } from '../respond.js';
import { ErrorResponse, MerchantParams } from '../schemas/common.js';
import {
  GetPaymentMethodsBody,
  PaymentMethodsResponse,
  ServiceListResponse,
  ServiceParams,
  ServiceResponse,
} from '../schemas/service.js';

const errors = { 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };

/**
 * imoje's service (shop) reads. The official WooCommerce plugin reads `GET /service/{id}` before it offers any
 * imoje method, and hides itself without an answer; `/services` and `get-payment-methods` answer, as imoje's
 * do, with a top-level JSON array.
 */
export function serviceRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const p = deps.payments;

  r.get(
    '/service/:serviceId',
    {
      schema: {
        summary: "Read a service (shop): its card payment methods, each with the shop's amount limits",
        tags: ['services'],
        params: ServiceParams,
        response: { 200: ServiceResponse, ...errors },
      },
    },
    async (request, reply) => {
      const shop = await getService(p, request.merchantId, request.params.serviceId);
      return sendJson(reply, { service: serviceView(shop, p.publicUrl()) });
    },
  );

  r.get(
    '/services',
    {
      schema: {
        summary: "List the merchant's services (shops), each as GET /service/{serviceId} shows it",
        tags: ['services'],
        params: MerchantParams,
        response: { 200: ServiceListResponse, ...errors },
      },
    },
    async (request, reply) => {
      const shops = await listServices(p, request.merchantId);
      return sendJson(
        reply,
        shops.map((shop) => ({ service: serviceView(shop, p.publicUrl()) })),
      );
    },
  );

  r.post(
    '/service/:serviceId/get-payment-methods',
    {
      schema: {
        summary: 'The payment methods available for an amount and currency (empty outside the shop limits)',
        tags: ['services'],
        params: ServiceParams,
        body: GetPaymentMethodsBody,
        response: { 200: PaymentMethodsResponse, ...errors },
      },
    },
    async (request, reply) => {
      const shop = await getService(p, request.merchantId, request.params.serviceId);
      return sendJson(reply, paymentMethodsView(shop, request.body.amount, p.publicUrl()));
    },
  );
}
