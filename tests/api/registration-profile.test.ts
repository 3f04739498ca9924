import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody } from '../support/payloads.js';
import type { TransactionResponse, WireProfile } from '../support/wire.js';

/**
 * A registration answers with the profile it created or refreshed, built from what it wrote rather than read
 * back: the answer must be what the stored rows say, field for field, both for a new profile and for a card
 * registered again under the same cid (a refresh onto the new card record).
 */
for (const db of DB_KINDS) {
  describe(`a registration's profile is the stored one (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db });
    });
    afterAll(async () => {
      await gw?.close();
    });

    async function registerAndReadBack(body: Record<string, unknown>): Promise<WireProfile> {
      const m = gw.merchant;
      const reg = await m.api.post<TransactionResponse>('/transaction', body);
      expect(reg.status).toBe(200);
      const answered = reg.body.transaction.paymentProfile as WireProfile | undefined;
      expect(answered).toBeDefined();
      const stored = await m.api.get<{ paymentProfile: WireProfile }>(`/profile/id/${answered!.id}`);
      expect(stored.status).toBe(200);
      expect(answered).toEqual(stored.body.paymentProfile);
      return answered!;
    }

    it.each(['oneclick', 'recurring'])('%s: created, then refreshed by the same card again', async (code) => {
      const m = gw.merchant;
      const first = saleBody(m.serviceId, { paymentMethodCode: code });
      const created = await registerAndReadBack(first);
      const customer = first.customer as Record<string, unknown>;
      // The same card under the same cid, with a new expiry and holder: the profile moves to the new card record.
      const again = saleBody(
        m.serviceId,
        { paymentMethodCode: code, customer: { ...customer, firstName: 'Anna', lastName: 'Nowak' } },
        { month: '11' },
      );
      const refreshed = await registerAndReadBack(again);
      expect(refreshed.id).toBe(created.id);
      expect(refreshed).not.toEqual(created);
    });
  });
}
