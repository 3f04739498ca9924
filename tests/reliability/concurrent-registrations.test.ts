import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody, uniqueCid } from '../support/payloads.js';
import type { TransactionResponse } from '../support/wire.js';

/**
 * Several registrations of one card under one new cid at once (a double-clicked checkout, a retry without an
 * Idempotency-Key): each is charged, and each must end with an answer — the first creates the cid's profile and
 * the others refresh it. Before, concurrent finalisers all saw no profile, all inserted one, and every one but
 * the first failed on the unique index: a 500 for a payment the acquirer had charged, left pending.
 */
for (const db of DB_KINDS) {
  describe(`concurrent registrations of one cid (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db });
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('all answered 200 and settled, one profile for the cid', async () => {
      const m = gw.merchant;
      for (let round = 0; round < 3; round++) {
        const cid = uniqueCid();
        const customer = { firstName: 'Jan', lastName: 'Kowalski', email: 'jan@example.com', cid };
        const answers = await Promise.all(
          Array.from({ length: 8 }, () =>
            m.api.post<TransactionResponse>(
              '/transaction',
              saleBody(m.serviceId, { paymentMethodCode: 'oneclick', customer }),
            ),
          ),
        );
        for (const a of answers) expect(a.status, a.text).toBe(200);
        expect(answers.map((a) => a.body.transaction.status)).toEqual(Array(8).fill('settled'));
        const ids = new Set(answers.map((a) => a.body.transaction.paymentProfile?.id));
        expect(ids.size).toBe(1);
        const listed = await m.api.get<{ paymentProfiles: unknown[] }>(`/profile/cid/${cid}`);
        expect(listed.body.paymentProfiles).toHaveLength(1);
      }
    });
  });
}
