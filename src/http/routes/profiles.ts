import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { deactivateProfile, getProfile, listProfilesByCid } from '../../payments/profiles.js';
import { profileView } from '../../wire/profile-view.js';
import type { HttpDeps } from '../http-deps.js';
import { respond, sendJson } from '../respond.js';
import { CidLookup, ErrorResponse, Uuid } from '../schemas/common.js';
import { ProfileListResponse, ProfileResponse } from '../schemas/profile.js';

const errors = { 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };
const ById = Type.Object({ merchantId: Type.String({ maxLength: 64 }), paymentProfileId: Uuid });

export function profileRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const p = deps.payments;

  r.get(
    '/profile/id/:paymentProfileId',
    {
      schema: {
        summary: 'Read a payment profile',
        tags: ['profiles'],
        params: ById,
        response: { 200: ProfileResponse, ...errors },
      },
    },
    async (request, reply) =>
      sendJson(reply, {
        paymentProfile: profileView(await getProfile(p, request.merchantId, request.params.paymentProfileId)),
      }),
  );

  r.get(
    '/profile/cid/:cid',
    {
      schema: {
        summary: "List a payer's profiles (active and inactive)",
        tags: ['profiles'],
        params: Type.Object({ merchantId: Type.String({ maxLength: 64 }), cid: CidLookup }),
        response: { 200: ProfileListResponse, ...errors },
      },
    },
    async (request, reply) =>
      sendJson(reply, {
        paymentProfiles: (await listProfilesByCid(p, request.merchantId, request.params.cid)).map(
          profileView,
        ),
      }),
  );

  r.post(
    '/profile/deactivate',
    {
      schema: {
        summary: 'Deactivate a payment profile (final, idempotent)',
        tags: ['profiles'],
        body: Type.Object({ paymentProfileId: Uuid }),
        response: { 200: ProfileResponse, ...errors },
      },
    },
    async (request, reply) =>
      respond(deps.idempotency, request, reply, async () => ({
        paymentProfile: profileView(
          await deactivateProfile(p, request.merchantId, request.body.paymentProfileId),
        ),
      })),
  );

  r.delete(
    '/profile/id/:paymentProfileId',
    {
      schema: {
        summary: 'Deactivate a payment profile (same as POST /profile/deactivate)',
        tags: ['profiles'],
        params: ById,
        response: { 200: ProfileResponse, ...errors },
      },
    },
    async (request, reply) =>
      sendJson(reply, {
        paymentProfile: profileView(
          await deactivateProfile(p, request.merchantId, request.params.paymentProfileId),
        ),
      }),
  );
}
