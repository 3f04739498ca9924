import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ScheduleStatus } from '../../domain/schedule.js';
import { changeSchedule, createSchedule, getSchedule, listSchedules } from '../../payments/schedules.js';
import { scheduleView } from '../../wire/schedule-view.js';
import type { HttpDeps } from '../http-deps.js';
import { sendJson } from '../respond.js';
import { ErrorResponse, MerchantParams } from '../schemas/common.js';
import {
  CreateScheduleBody,
  ScheduleActionParams,
  ScheduleListQuery,
  ScheduleListResponse,
  ScheduleParams,
  ScheduleResponse,
} from '../schemas/schedule.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
};
const tags = ['kartoteka: schedules'];
const seconds = (s: number | null | undefined) => (s === null || s === undefined ? s : s * 1000);

/** Kartoteka's extension: schedules on recurring profiles, under `/kartoteka/v1/merchant/{merchantId}`. */
export function scheduleRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const p = deps.payments;

  r.post(
    '/schedules',
    {
      schema: {
        summary: 'Create a schedule: Kartoteka debits the recurring profile every interval',
        tags,
        params: MerchantParams,
        body: CreateScheduleBody,
        response: { 200: ScheduleResponse, ...errors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const schedule = await createSchedule(p, request.merchantId, {
        ...b,
        startAt: seconds(b.startAt),
        endAt: seconds(b.endAt),
      });
      return sendJson(reply, { schedule: scheduleView(schedule) });
    },
  );

  r.get(
    '/schedules',
    {
      schema: {
        summary: "List the merchant's schedules (newest first), optionally of one profile or one status",
        tags,
        params: MerchantParams,
        querystring: ScheduleListQuery,
        response: { 200: ScheduleListResponse, ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const list = await listSchedules(p, request.merchantId, {
        paymentProfileId: q.paymentProfileId,
        status: q.status as ScheduleStatus | undefined,
        limit: q.limit,
      });
      return sendJson(reply, { schedules: list.map(scheduleView) });
    },
  );

  r.get(
    '/schedules/:scheduleId',
    {
      schema: {
        summary: 'Read a schedule',
        tags,
        params: ScheduleParams,
        response: { 200: ScheduleResponse, ...errors },
      },
    },
    async (request, reply) =>
      sendJson(reply, {
        schedule: scheduleView(await getSchedule(p, request.merchantId, request.params.scheduleId)),
      }),
  );

  r.post(
    '/schedules/:scheduleId/:action',
    {
      schema: {
        summary: 'Pause, resume or cancel a schedule (repeating a change answers the schedule as it is)',
        tags,
        params: ScheduleActionParams,
        response: { 200: ScheduleResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { scheduleId, action } = request.params;
      const schedule = await changeSchedule(p, request.merchantId, scheduleId, action);
      return sendJson(reply, { schedule: scheduleView(schedule) });
    },
  );
}
