import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { debitBody, saleBody } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

/**
 * A profile debit reads its shop and its profile (with the sealed card, agreement and retry state) in one
 * statement, and a registration its shop and its cid's profiles. Each must read exactly what the two separate
 * reads did, including when either is missing.
 */
for (const db of DB_KINDS) {
  describe(`a payment's shop and profiles in one read (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db });
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('reads what the shop read and the profile read return', async () => {
      const m = gw.merchant;
      const reg = await m.api.post<TransactionResponse>('/transaction', saleBody(m.serviceId));
      expect(reg.status).toBe(200);
      const profileId = reg.body.transaction.paymentProfile!.id;
      const { repos } = gw.gateway.storage;
      const read = await repos.paymentReads.debit(m.merchantId, m.serviceId, profileId);
      expect(read.shop).toEqual(await repos.merchants.getShop(m.merchantId, m.serviceId));
      expect(read.shop?.serviceKey).toMatch(/\S/); // opened, not the sealed text
      expect(read.profile).toEqual(await repos.profiles.getProfileWithCard(m.merchantId, profileId));
      expect(read.profile?.card.encryptedPan).toBeTruthy();

      // The shop without the profile: an unknown id, or another merchant's.
      expect(await repos.paymentReads.debit(m.merchantId, m.serviceId, 'no-such-profile')).toEqual({
        shop: read.shop,
        profile: undefined,
      });
      // No shop: nothing, whatever the profile.
      expect(await repos.paymentReads.debit(m.merchantId, 'no-such-shop', profileId)).toEqual({
        shop: undefined,
        profile: undefined,
      });
      expect(await repos.paymentReads.debit('another-merchant', m.serviceId, profileId)).toEqual({
        shop: undefined,
        profile: undefined,
      });
    });

    it("reads a registration's shop and its cid's profiles, oldest first", async () => {
      const m = gw.merchant;
      const first = saleBody(m.serviceId);
      const cid = (first.customer as { cid: string }).cid;
      expect((await m.api.post('/transaction', first)).status).toBe(200);
      const recurring = saleBody(m.serviceId, {
        paymentMethodCode: 'recurring',
        customer: first.customer,
      });
      expect((await m.api.post('/transaction', recurring)).status).toBe(200);
      const { repos } = gw.gateway.storage;
      const read = await repos.paymentReads.registration(m.merchantId, m.serviceId, cid);
      expect(read.shop).toEqual(await repos.merchants.getShop(m.merchantId, m.serviceId));
      const listed = await repos.profiles.listByCid(m.merchantId, cid);
      expect(listed).toHaveLength(2);
      expect(read.profiles).toEqual(listed);
      expect(await repos.paymentReads.registration(m.merchantId, m.serviceId, 'no-such-cid')).toEqual({
        shop: read.shop,
        profiles: [],
      });
      expect(await repos.paymentReads.registration(m.merchantId, newId(), cid)).toEqual({
        shop: undefined,
        profiles: [],
      });
    });

    it('answers an unknown shop before an unknown profile, as before', async () => {
      const m = gw.merchant;
      const code = (body: unknown) => JSON.stringify(body).match(/[A-Z]{3}-ERROR-\d{6}/)?.[0];
      const neither = await m.api.post('/transaction/profile', debitBody(newId(), newId()));
      expect([neither.status, code(neither.body)]).toEqual([404, 'SRV-ERROR-200404']);
      const noProfile = await m.api.post('/transaction/profile', debitBody(m.serviceId, newId()));
      expect([noProfile.status, code(noProfile.body)]).toEqual([404, 'PRF-ERROR-130404']);
    });
  });
}
