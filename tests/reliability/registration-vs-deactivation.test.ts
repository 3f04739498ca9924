import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProfileRepo } from '../../src/storage/profile-repo.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse, WireProfile } from '../support/wire.js';

const WINDOW_MS = 400;

/**
 * A registration of the same card under the same cid refreshes the cid's profile; the merchant deactivates that
 * profile (`DELETE /profile/id/…`, another request) just after the finaliser has read the cid's profiles and
 * before it refreshes the row. The profile the answer and the notification carry is built from that read, so the
 * read must hold: the deactivation waits for the registration to commit, and then deactivates the refreshed
 * profile. Before, it committed in that gap: the answer (and the stored Idempotency-Key answer, and the
 * notification) said `isActive: 1` for a row that said 0, and a refresh had been written over a deactivated
 * profile.
 */
for (const db of DB_KINDS) {
  describe(`a registration's refresh racing a deactivation of the profile (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db, shop: { notificationUrl: 'http://127.0.0.1:9/n' } });
    });
    afterAll(async () => {
      vi.restoreAllMocks();
      await gw?.close();
    });

    it('the deactivation waits for the registration; the answer is what was stored then', async () => {
      const m = gw.merchant;
      const first = saleBody(m.serviceId, { paymentMethodCode: 'recurring' });
      const reg = await m.api.post<TransactionResponse>('/transaction', first);
      expect(reg.status, reg.text).toBe(200);
      const profileId = (reg.body.transaction.paymentProfile as WireProfile).id;

      const original = ProfileRepo.prototype.listByCidForUpdate;
      let deactivation: Promise<{ status: number }> | undefined;
      let doneInWindow: boolean | undefined;
      vi.spyOn(ProfileRepo.prototype, 'listByCidForUpdate').mockImplementation(async function (
        this: ProfileRepo,
        merchantId: string,
        cid: string,
      ) {
        const rows = await original.call(this, merchantId, cid);
        if (!deactivation) {
          // The finaliser has read the cid's profiles: the merchant deactivates the one it is about to refresh.
          let done = false;
          deactivation = m.api.delete(`/profile/id/${profileId}`).finally(() => {
            done = true;
          });
          await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
          doneInWindow = done;
        }
        return rows;
      });

      const res = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'recurring', customer: first.customer }),
      );
      vi.restoreAllMocks();
      expect(res.status, res.text).toBe(200);
      expect(deactivation).toBeDefined();
      expect(doneInWindow, 'the deactivation committed between the read and the refresh').toBe(false);
      const answered = res.body.transaction.paymentProfile as WireProfile;
      expect(answered).toMatchObject({ id: profileId, isActive: 1 });
      // Then the deactivation goes through, on the refreshed profile.
      expect((await deactivation!).status).toBe(200);
      const stored = await m.api.get<{ paymentProfile: WireProfile }>(`/profile/id/${profileId}`);
      expect(stored.body.paymentProfile).toEqual({ ...answered, isActive: 0 });
    });
  });
}
