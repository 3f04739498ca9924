import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  readProfileAgreement,
  readTransactionAgreement,
  type AgreementState,
} from '../../payments/read-agreement.js';
import { agreementStatusOf, agreementView } from '../../wire/agreement-view.js';
import type { HttpDeps } from '../http-deps.js';
import { sendJson } from '../respond.js';
import {
  AgreementResponse,
  ProfileAgreementParams,
  TransactionAgreementParams,
} from '../schemas/agreement.js';
import { ErrorResponse } from '../schemas/common.js';

const errors = { 401: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };

/** Kartoteka's extension (under `/kartoteka/v1/merchant/:merchantId`): a recurring profile's agreement. */
export function agreementRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const p = deps.payments;

  r.get(
    '/profiles/:paymentProfileId/agreement',
    {
      schema: {
        summary: "Read a recurring profile's agreement and what was debited under it",
        tags: ['kartoteka: agreements'],
        params: ProfileAgreementParams,
        response: { 200: AgreementResponse, ...errors },
      },
    },
    async (request, reply) =>
      sendJson(
        reply,
        view(await readProfileAgreement(p, request.merchantId, request.params.paymentProfileId)),
      ),
  );

  r.get(
    '/transactions/:transactionId/agreement',
    {
      schema: {
        summary:
          'Read the agreement a registration or FIRST payment declared (profile-less chains), with its usage',
        tags: ['kartoteka: agreements'],
        params: TransactionAgreementParams,
        response: { 200: AgreementResponse, ...errors },
      },
    },
    async (request, reply) =>
      sendJson(
        reply,
        view(await readTransactionAgreement(p, request.merchantId, request.params.transactionId)),
      ),
  );
}

function view(s: AgreementState) {
  const status = s.agreement.activatedAt !== null ? 'active' : agreementStatusOf(s.declaredBy.status);
  return { agreement: agreementView(s.agreement, status, { ...s.usage, nextDebitAt: s.nextDebitAt }) };
}
