import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { startImojeUpstream, type ImojeUpstream } from '../support/imoje-upstream.js';
import { saleBody } from '../support/payloads.js';
import { expectError, type TransactionResponse } from '../support/wire.js';
import { UpstreamProxy } from './upstream-proxy.js';

/**
 * Issue 16 item 6: an upstream 4xx means upstream did nothing. When the shop's request is at fault, the shop
 * gets its own request error (400, the imoje envelope, upstream's fields); when B's set-up with upstream is
 * (credentials, shop ids), a 503 for the shop and an error line for the operator, without secrets. Either way
 * nothing is charged and the payment is not left pending. A rate limit is "not sent": 503, asked again later.
 */
const PAN = '4111111111111111';

for (const db of DB_KINDS) {
  describe(`Kartoteka in front of imoje: upstream 4xx answers (B on ${db})`, () => {
    let upstream: ImojeUpstream;
    let proxy: UpstreamProxy;
    let b: TestGateway;

    beforeAll(async () => {
      upstream = await startImojeUpstream();
      proxy = await UpstreamProxy.start(upstream.a.url);
      b = await startGateway({ db, env: upstream.env(proxy.url) });
    });
    afterAll(async () => {
      await b?.close();
      await proxy?.close();
      await upstream?.close();
    });

    async function payWhileUpstreamAnswers(status: number, apiErrorResponse: Record<string, unknown>) {
      proxy.mode = 'canned';
      proxy.canned = { status, body: { apiErrorResponse } };
      const body = saleBody(b.merchant.serviceId, { profileType: 'FIRST' }, { number: PAN });
      try {
        const res = await b.merchant.api.post<TransactionResponse>('/transaction', body);
        return { res, orderId: body.orderId as string };
      } finally {
        proxy.mode = 'pass';
      }
    }
    const rowsOf = (orderId: string) =>
      b.gateway.storage.db.selectFrom('transactions').selectAll().where('orderId', '=', orderId).execute();
    const attemptOf = (reference: string) =>
      b.gateway.storage.db
        .selectFrom('imojeAttempts')
        .selectAll()
        .where('reference', '=', reference)
        .executeTakeFirst();

    for (const status of [400, 422]) {
      it(`upstream ${status} naming fields is the shop's request error: 400 with upstream's fields; the payment ends error, never re-sent`, async () => {
        const { res, orderId } = await payWhileUpstreamAnswers(status, {
          code: 'API-ERROR-100422',
          message: 'Request validation failed.',
          errors: [{ property: 'customer.email', message: 'Invalid e-mail address.' }],
        });
        const e = expectError(res, 400, 'TRX-ERROR-190400');
        expect(e.errors).toEqual([{ property: 'customer.email', message: 'Invalid e-mail address.' }]);
        expect(e.message).toBe('Request validation failed.');
        expect(res.text).not.toContain(PAN);
        const [row] = await rowsOf(orderId);
        expect(row).toMatchObject({ status: 'error', stage: 'done' });
        expect(await attemptOf(row!.id)).toMatchObject({ state: 'answered', outcome: 'error' });
        // Looking it up again (recovery) reads the recorded answer; nothing goes upstream again.
        const sentBefore = proxy.received.length;
        await b.gateway.worker.tick();
        expect(proxy.received.length).toBe(sentBefore);
      });
    }

    it('upstream 400 without fields (a business rule) is the payment’s outcome: rejected CODE_SD', async () => {
      const { res, orderId } = await payWhileUpstreamAnswers(400, {
        code: 'TRX-ERROR-140400',
        message: 'firstTransactionId is unknown.',
        errors: [],
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.transaction).toMatchObject({ status: 'rejected', statusCode: 'CODE_SD' });
      expect((await rowsOf(orderId))[0]).toMatchObject({ status: 'rejected', stage: 'done' });
    });

    for (const status of [401, 403, 404]) {
      it(`upstream ${status} is B's set-up, not the shop's: 503 for the shop, an error line for the operator, no secrets`, async () => {
        const logsBefore = b.logs.length;
        const { res, orderId } = await payWhileUpstreamAnswers(status, {
          code: 'API-ERROR-100401',
          message: 'Missing or invalid bearer token.',
          errors: [],
        });
        expectError(res, 503, 'TRX-ERROR-191503');
        expect((await rowsOf(orderId))[0]).toMatchObject({ status: 'error', stage: 'done' });
        const logged = b.logs.slice(logsBefore).join('');
        expect(logged).toContain('imoje refused the gateway’s set-up');
        expect(logged).toContain(`"status":${status}`);
        expect(logged).not.toContain(upstream.a.merchant.token);
        expect(logged).not.toContain(upstream.a.merchant.serviceKey);
        expect(logged).not.toContain(PAN);
      });
    }

    it('upstream 429 was not processed: 503, the attempt forgotten, and the same payment may be asked again', async () => {
      const { res, orderId } = await payWhileUpstreamAnswers(429, {
        code: 'API-ERROR-100429',
        message: 'Too many requests.',
        errors: [],
      });
      expectError(res, 503, 'TRX-ERROR-190503');
      const [row] = await rowsOf(orderId);
      expect(row!.stage).toBe('authorizing');
      expect(await attemptOf(row!.id)).toBeUndefined();
    });
  });

  describe(`Kartoteka in front of imoje: B's set-up refused by a real upstream (B on ${db})`, () => {
    let upstream: ImojeUpstream;
    const started: TestGateway[] = [];

    beforeAll(async () => {
      upstream = await startImojeUpstream();
    });
    afterAll(async () => {
      for (const g of started) await g.close();
      await upstream?.close();
    });

    it('a wrong upstream token (A answers 401) is a 503; nothing is charged at A', async () => {
      const b = await startGateway({
        db,
        env: { ...upstream.env(), KARTOTEKA_IMOJE_TOKEN: 'not-the-token-of-a' },
      });
      started.push(b);
      const res = await b.merchant.api.post(
        '/transaction',
        saleBody(b.merchant.serviceId, { profileType: 'FIRST' }, { number: PAN }),
      );
      expectError(res, 503, 'TRX-ERROR-191503');
      expect(b.logs.join('')).not.toContain('not-the-token-of-a');
      expect(await upstream.a.ledger.list()).toHaveLength(0);
    });

    it('an upstream shop without PCI DSS (A answers 403) is a 503; nothing is charged at A', async () => {
      const plain = await upstream.a.gateway.accounts.createShop(upstream.a.merchant.merchantId, {
        name: 'Shop without PCI DSS',
        pciEnabled: false,
        preauthEnabled: false,
      });
      const b = await startGateway({
        db,
        env: {
          ...upstream.env(),
          KARTOTEKA_IMOJE_SERVICE_ID: plain.id,
          KARTOTEKA_IMOJE_SERVICE_KEY: plain.serviceKey,
        },
      });
      started.push(b);
      const res = await b.merchant.api.post(
        '/transaction',
        saleBody(b.merchant.serviceId, { profileType: 'FIRST' }, { number: PAN }),
      );
      expectError(res, 503, 'TRX-ERROR-191503');
      expect(await upstream.a.ledger.list()).toHaveLength(0);
    });
  });
}
