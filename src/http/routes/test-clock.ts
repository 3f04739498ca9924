import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TestClocks } from '../../payments/test-clock.js';
import type { HttpDeps } from '../http-deps.js';
import { advanceView, testClockView } from '../../wire/test-clock-view.js';
import { respond, sendJson } from '../respond.js';
import { ErrorResponse } from '../schemas/common.js';
import {
  AdvanceTestClockBody,
  AdvanceTestClockResponse,
  DeletedTestClockResponse,
  FreezeTestClockBody,
  TestClockParams,
  TestClockResponse,
} from '../schemas/test-clock.js';

const errors = {
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
};
const tags = ['kartoteka: test clocks'];
const sandboxOnly = 'Sandbox only: production mode answers 403 `CLK-ERROR-230403`.';

/** A missing body is `null` (as for capture), so `{}`, `null` and nothing mean the same. */
const bodyMayBeAbsent = async (request: { body: unknown }) => {
  if (request.body === undefined) request.body = null;
};

/** Kartoteka's extension: a shop's test clock, under `/kartoteka/v1/merchant/{merchantId}`. */
export function testClockRoutes(app: FastifyInstance, deps: HttpDeps, clocks: TestClocks): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/test-clock/:serviceId',
    {
      schema: {
        summary: "Read a service's test clock",
        description: sandboxOnly,
        tags,
        params: TestClockParams,
        response: { 200: TestClockResponse, ...errors },
      },
    },
    async (request, reply) =>
      sendJson(reply, {
        testClock: testClockView(await clocks.show(request.merchantId, request.params.serviceId)),
      }),
  );

  r.post(
    '/test-clock/:serviceId',
    {
      schema: {
        summary: 'Start a test clock: the service runs at a frozen time (default now) until advanced',
        description:
          `${sandboxOnly} From then on the service's payments, challenge and Idempotency-Key expiries and ` +
          'notification retries carry its frozen time. 409 `CLK-ERROR-230409` when it already has one.',
        tags,
        params: TestClockParams,
        body: FreezeTestClockBody,
        response: { 200: TestClockResponse, ...errors },
      },
      preValidation: bodyMayBeAbsent,
    },
    async (request, reply) => {
      const at = request.body?.frozenAt ?? undefined;
      return respond(deps.idempotency, request, reply, async () => ({
        testClock: testClockView(await clocks.freeze(request.merchantId, request.params.serviceId, at)),
      }));
    },
  );

  r.post(
    '/test-clock/:serviceId/advance',
    {
      schema: {
        summary: 'Advance a test clock, running everything due in between in time order; answers when done',
        description:
          `${sandboxOnly} \`by\` a duration (\`1mo\`, \`P1M\`, \`7d\`, …) or \`to\` a date-time. The clock ` +
          'stops at each moment something of the service is due (challenge expiry, notification retry, ' +
          'Idempotency-Key expiry, …), stores that time and runs it, then goes on; it never goes back. ' +
          'A second advance of the same service while one runs: 409 `CLK-ERROR-230410`. An advance that was ' +
          'interrupted (the process died) is finished by the next one, which then goes on from its target; ' +
          'with neither `by` nor `to`, only that is done. With an `Idempotency-Key`, a retry answers what the ' +
          'first request did instead of advancing again.',
        tags,
        params: TestClockParams,
        body: AdvanceTestClockBody,
        response: { 200: AdvanceTestClockResponse, ...errors },
      },
      preValidation: bodyMayBeAbsent,
    },
    async (request, reply) => {
      const { merchantId } = request;
      const { serviceId } = request.params;
      const body = request.body;
      // Under its Idempotency-Key (when sent), so a client retrying a lost answer doesn't advance twice.
      return respond(deps.idempotency, request, reply, async () => {
        const report = await clocks.advance(merchantId, serviceId, {
          by: body?.by ?? undefined,
          to: body?.to ?? undefined,
        });
        return {
          testClock: testClockView(await clocks.show(merchantId, serviceId)),
          advance: advanceView(report),
        };
      });
    },
  );

  r.delete(
    '/test-clock/:serviceId',
    {
      schema: {
        summary: 'Delete a test clock: the service returns to real time',
        description: `${sandboxOnly} Refused (409 \`CLK-ERROR-230410\`) while an advance runs.`,
        tags,
        params: TestClockParams,
        response: { 200: DeletedTestClockResponse, ...errors },
      },
    },
    async (request, reply) => {
      await clocks.remove(request.merchantId, request.params.serviceId);
      return sendJson(reply, { testClock: null });
    },
  );
}
