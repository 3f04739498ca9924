import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway, type TestMerchant } from '../support/gateway.js';
import { debitBody, saleBody } from '../support/payloads.js';
import { expectError, type TransactionResponse } from '../support/wire.js';

for (const db of DB_KINDS) {
  describe(`merchant isolation (${db})`, () => {
    let gw: TestGateway;
    let a: TestMerchant;
    let b: TestMerchant;
    let aTransaction: string;
    let aProfile: string;
    let aCid: string;
    beforeAll(async () => {
      gw = await startGateway({ db });
      a = gw.merchant;
      b = await gw.newMerchant();
      const reg = await a.api.post<TransactionResponse>('/transaction', saleBody(a.serviceId));
      aTransaction = reg.body.transaction.id;
      aProfile = reg.body.transaction.paymentProfile!.id;
      aCid = reg.body.transaction.paymentProfile!.merchantCustomerId;
    });
    afterAll(async () => {
      await gw?.close();
    });

    it("B cannot read A's transaction or profile (404, as if it did not exist)", async () => {
      expectError(await b.api.get(`/transaction/${aTransaction}`), 404, 'TRX-ERROR-110404');
      expectError(await b.api.get(`/profile/id/${aProfile}`), 404, 'PRF-ERROR-130404');
      const list = await b.api.get<{ paymentProfiles: unknown[] }>(`/profile/cid/${aCid}`);
      expect(list.body.paymentProfiles).toEqual([]);
    });

    it("B cannot debit A's profile, even through its own shop", async () => {
      expectError(
        await b.api.post('/transaction/profile', debitBody(b.serviceId, aProfile)),
        404,
        'PRF-ERROR-130404',
      );
    });

    it("B cannot use A's shop", async () => {
      expectError(await b.api.post('/transaction', saleBody(a.serviceId)), 404, 'SRV-ERROR-200404');
      expectError(
        await b.api.post('/transaction/profile', debitBody(a.serviceId, aProfile)),
        404,
        'SRV-ERROR-200404',
      );
    });

    it("B cannot deactivate A's profile; it stays active", async () => {
      expectError(
        await b.api.post('/profile/deactivate', { paymentProfileId: aProfile }),
        404,
        'PRF-ERROR-130404',
      );
      expectError(await b.api.delete(`/profile/id/${aProfile}`), 404, 'PRF-ERROR-130404');
      const still = await a.api.get<{ paymentProfile: { isActive: number } }>(`/profile/id/${aProfile}`);
      expect(still.body.paymentProfile.isActive).toBe(1);
    });

    it("B's token on A's path is 401, and the same cid at B is a different payer", async () => {
      const res = await gw.http.get(`/v1/merchant/${a.merchantId}/transaction/${aTransaction}`, {
        authorization: `Bearer ${b.token}`,
      });
      expectError(res, 401);
      const reg = await b.api.post<TransactionResponse>(
        '/transaction',
        saleBody(
          b.serviceId,
          { customer: { firstName: 'X', lastName: 'Y', email: 'x@example.com', cid: aCid } },
          { number: '5555555555554444' },
        ),
      );
      expect(reg.status).toBe(200);
      expect(reg.body.transaction.paymentProfile?.merchantMid).toBe(b.merchantId);
    });
  });
}
