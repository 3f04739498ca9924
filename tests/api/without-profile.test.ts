import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChallenge } from '../support/challenge.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { saleBody, uniqueCid } from '../support/payloads.js';
import { expectError, expectTransactionShape, type TransactionResponse } from '../support/wire.js';

const ROWS: Array<
  [string, boolean, 'settled' | 'rejected' | 'error', 'settled' | 'rejected' | 'error' | null]
> = [
  ['4111111111111111', false, 'settled', 'settled'],
  ['4485201817664006', false, 'settled', 'rejected'],
  ['4444333322221111', false, 'rejected', null],
  ['4012001037141112', true, 'settled', 'settled'],
  ['4749601201390567', true, 'settled', 'rejected'],
  ['4934403892699132', true, 'rejected', null],
  ['4012001007002005', false, 'error', null],
  ['4282513338596268', false, 'settled', 'error'],
  ['5555555555554444', false, 'settled', 'settled'],
  ['5454545454545454', true, 'settled', 'settled'],
];

for (const db of DB_KINDS) {
  describe(`OneClick and recurring without a profile: FIRST → STANDARD (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db });
    });
    afterAll(async () => {
      await gw?.close();
    });

    async function first(number: string, code: string, cid = uniqueCid()) {
      const m = gw.merchant;
      const body = saleBody(
        m.serviceId,
        {
          paymentMethodCode: code,
          profileType: 'FIRST',
          customer: { firstName: 'Jan', lastName: 'K', email: 'j@example.com', cid },
        },
        { number },
      );
      const res = await m.api.post<TransactionResponse>('/transaction', body);
      expect(res.status, res.text).toBe(200);
      if (res.body.action) await answerChallenge(res.body.action.url, 'pass');
      return (await m.api.get<TransactionResponse>(`/transaction/${res.body.transaction.id}`)).body
        .transaction;
    }

    function standard(
      number: string,
      code: string,
      firstTransactionId: string,
      cardExtra: Record<string, unknown> = {},
    ) {
      const m = gw.merchant;
      return m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(
          m.serviceId,
          { paymentMethodCode: code, profileType: 'STANDARD', additionalData: null },
          {
            number,
            cvv: null,
            firstTransactionId,
            ...cardExtra,
          },
        ),
      );
    }

    for (const code of ['oneclick', 'recurring']) {
      for (const [number, challenge, firstStatus, laterStatus] of ROWS) {
        it(`${code} ${number}: FIRST ${firstStatus}${challenge ? ' (challenge passed)' : ''}, STANDARD ${laterStatus ?? '—'}`, async () => {
          const f = await first(number, code);
          expectTransactionShape(f);
          expect(f.status).toBe(firstStatus);
          expect(f.paymentProfile).toBeUndefined(); // FIRST never creates a profile
          if (firstStatus !== 'settled') {
            expect(f.firstTransactionId).toBeUndefined();
            return;
          }
          expect(f.firstTransactionId).toMatch(/^[0-9]{15}$/);
          const res = await standard(number, code, f.firstTransactionId!);
          expect(res.status, res.text).toBe(200);
          expectTransactionShape(res.body.transaction);
          expect(res.body.action).toBeUndefined(); // no 3-D Secure
          expect(res.body.transaction.status).toBe(laterStatus);
          expect(res.body.transaction.paymentMethodCode).toBe(code);
          const entry = (await gw.ledger.list()).find((e) => e.reference === res.body.transaction.id)!;
          expect(entry.storedCredential).toBe('subsequent');
          expect(entry.quotedNetworkTxnId).toBe(f.firstTransactionId);
          expect(entry.initiator).toBe(code === 'recurring' ? 'MIT' : 'CIT');
          expect(entry.threeDs).toBeNull();
        });
      }
    }

    it('no profile is created by FIRST', async () => {
      const cid = uniqueCid();
      await first('4111111111111111', 'oneclick', cid);
      const list = await gw.merchant.api.get<{ paymentProfiles: unknown[] }>(`/profile/cid/${cid}`);
      expect(list.body.paymentProfiles).toEqual([]);
    });

    it('a profile registration can also serve as the first transaction', async () => {
      const m = gw.merchant;
      const reg = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'recurring' }),
      );
      const res = await standard(
        '4111111111111111',
        'recurring',
        reg.body.transaction.paymentProfile!.firstTransactionId,
      );
      expect(res.body.transaction.status).toBe('settled');
    });

    it('400: an unknown first transaction, another card, another merchant, or a first payment not settled', async () => {
      const f = await first('4111111111111111', 'recurring');
      expectError(
        await standard('4111111111111111', 'recurring', '999999999999999'),
        400,
        'TRX-ERROR-140400',
        'card.firstTransactionId',
      );
      expectError(
        await standard('5555555555554444', 'recurring', f.firstTransactionId!),
        400,
        'TRX-ERROR-140400',
      );
      const other = await gw.newMerchant();
      const foreign = await other.api.post(
        '/transaction',
        saleBody(
          other.serviceId,
          { paymentMethodCode: 'recurring', profileType: 'STANDARD' },
          { cvv: null, firstTransactionId: f.firstTransactionId! },
        ),
      );
      expectError(foreign, 400, 'TRX-ERROR-140400');

      const preauth = await gw.newMerchant({ preauth: true });
      const held = await preauth.api.post<TransactionResponse>(
        '/transaction',
        saleBody(preauth.serviceId, { paymentMethodCode: 'recurring', profileType: 'FIRST' }),
      );
      expect(held.body.transaction.status).toBe('authorized');
      const heldRead = await preauth.api.get<TransactionResponse>(`/transaction/${held.body.transaction.id}`);
      const notSettled = await preauth.api.post(
        '/transaction',
        saleBody(
          preauth.serviceId,
          { paymentMethodCode: 'recurring', profileType: 'STANDARD' },
          {
            cvv: null,
            firstTransactionId: heldRead.body.transaction.firstTransactionId!,
          },
        ),
      );
      expectError(notSettled, 400, 'TRX-ERROR-140400');
      // ordinary sales are no first transactions either
      const m = gw.merchant;
      const plain = await m.api.post<TransactionResponse>(
        '/transaction',
        saleBody(m.serviceId, { paymentMethodCode: 'ecom3ds' }),
      );
      const plainEntry = (await gw.ledger.list()).find((e) => e.reference === plain.body.transaction.id)!;
      expectError(
        await standard('4111111111111111', 'recurring', plainEntry.networkTxnId!),
        400,
        'TRX-ERROR-140400',
      );
    });

    it('422: STANDARD with a cvv, STANDARD without firstTransactionId, FIRST without a cvv, profileType on ecom3ds', async () => {
      const m = gw.merchant;
      const f = await first('4111111111111111', 'oneclick');
      expectError(
        await standard('4111111111111111', 'oneclick', f.firstTransactionId!, { cvv: '123' }),
        422,
        undefined,
        'card.cvv',
      );
      const noRef = await m.api.post(
        '/transaction',
        saleBody(m.serviceId, { profileType: 'STANDARD' }, { cvv: null }),
      );
      expectError(noRef, 422, undefined, 'card.firstTransactionId');
      const noCvv = await m.api.post(
        '/transaction',
        saleBody(m.serviceId, { profileType: 'FIRST' }, { cvv: null }),
      );
      expectError(noCvv, 422, undefined, 'card.cvv');
      const ecom = await m.api.post(
        '/transaction',
        saleBody(m.serviceId, { profileType: 'FIRST', paymentMethodCode: 'ecom3ds' }),
      );
      expectError(ecom, 422, undefined, 'profileType');
      expectError(
        await m.api.post('/transaction', saleBody(m.serviceId, { profileType: 'OTHER' })),
        422,
        undefined,
        'profileType',
      );
    });

    it('403: both variants need a PCI DSS shop', async () => {
      const nonPci = await gw.newMerchant({ pci: false });
      expectError(
        await nonPci.api.post('/transaction', saleBody(nonPci.serviceId, { profileType: 'FIRST' })),
        403,
        'TRX-ERROR-110403',
      );
      expectError(
        await nonPci.api.post(
          '/transaction',
          saleBody(
            nonPci.serviceId,
            { profileType: 'STANDARD' },
            { cvv: null, firstTransactionId: '123456789012345' },
          ),
        ),
        403,
        'TRX-ERROR-110403',
      );
    });
  });
}
