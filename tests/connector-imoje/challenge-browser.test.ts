import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedSignatureHeader } from '../notifications/receiver.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { startImojeUpstream, type ImojeUpstream } from '../support/imoje-upstream.js';
import { saleBody } from '../support/payloads.js';
import { expectTransactionShape, type TransactionResponse } from '../support/wire.js';
import { ARTIFACTS, launchBrowser, newPage, NO_BROWSER, ShopServer } from '../widget/support.js';
import { approvedCharges, everythingStored, upstreamOf } from './upstream.js';
import { UpstreamProxy } from './upstream-proxy.js';

/**
 * Issue 16 item 2: 3-D Secure through upstream, two hops, in real Chromium. B answers a challenged payment
 * with upstream A's own challenge page as `action`; A's page returns the browser to B's
 * /kartoteka/imoje/return/{id}, which finalises the payment with A's outcome and sends the browser on to the
 * shop's own return URL. The shop's notification comes from B, once, signed with B's shop key.
 */
const CHALLENGE = '4012001037141112'; // sandbox: challenge, approved
const BROWSER = {
  ip: '203.0.113.7',
  language: 'pl-PL',
  jsEnabled: true,
  timezoneOffset: -60,
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Kartoteka-test',
  accept: 'text/html',
  javaEnabled: false,
  screenColorDepth: 24,
  screenHeight: 1080,
  screenWidth: 1920,
};

for (const db of DB_KINDS) {
  describe.skipIf(NO_BROWSER)(
    `Kartoteka in front of imoje: 3-D Secure through both hops (B on ${db})`,
    () => {
      let upstream: ImojeUpstream;
      let proxy: UpstreamProxy;
      let b: TestGateway;
      let shop: ShopServer;
      let browser: Browser;

      beforeAll(async () => {
        upstream = await startImojeUpstream();
        proxy = await UpstreamProxy.start(upstream.a.url);
        shop = new ShopServer();
        await shop.start();
        b = await startGateway({
          db,
          env: upstream.env(proxy.url),
          shop: { notificationUrl: `${shop.origin}/notify` },
        });
        browser = await launchBrowser();
      });
      afterAll(async () => {
        await browser?.close();
        await b?.close();
        await proxy?.close();
        await shop?.close();
        await upstream?.close();
      });

      const bTransaction = async (id: string) =>
        (await b.merchant.api.get<TransactionResponse>(`/transaction/${id}`)).body.transaction;
      /** A's worker delivers its notification to B; B's worker delivers B's to the shop. */
      const deliver = async () => {
        await upstream.a.gateway.worker.tick();
        await b.gateway.worker.tick();
      };
      const toShop = (id: string) => shop.received.filter((r) => r.url === '/notify' && r.body.includes(id));

      /** Creates a challenged payment on B and walks the payer's browser through A's challenge page. */
      async function challenged(
        overrides: Record<string, unknown>,
        answer: 'Authenticate' | 'Fail',
        screenshot?: string,
      ) {
        const body = saleBody(
          b.merchant.serviceId,
          {
            successReturnUrl: `${shop.origin}/success`,
            failureReturnUrl: `${shop.origin}/failure`,
            additionalData: { browser: BROWSER },
            ...overrides,
          },
          { number: CHALLENGE },
        );
        const res = await b.merchant.api.post<TransactionResponse>('/transaction', body);
        expect(res.status, res.text).toBe(200);
        expectTransactionShape(res.body.transaction);
        const { transaction, action } = res.body;
        expect(transaction.status).toBe('pending');
        // B sends the payer to upstream's own challenge page, in imoje's exact action shape.
        const [up] = await upstreamOf(upstream.a, transaction.id);
        expect(up!.row.status).toBe('pending');
        expect(action).toEqual({
          type: 'redirect',
          url: `${upstream.a.url}/3ds/${up!.row.id}`,
          method: 'GET',
          contentType: '',
          contentBodyRaw: '',
        });
        const { context, page } = await newPage(browser);
        try {
          await page.goto(action!.url);
          await page.getByRole('button', { name: answer }).waitFor();
          if (screenshot) await page.screenshot({ path: `${ARTIFACTS}/${screenshot}` });
          const hops: string[] = [];
          page.on('request', (r) => {
            if (r.isNavigationRequest()) hops.push(r.url());
          });
          await page.getByRole('button', { name: answer }).click();
          const landing = answer === 'Authenticate' ? '/success' : '/failure';
          await page.waitForURL(`${shop.origin}${landing}`);
          await page.locator('#landed').waitFor();
          // Through B's return endpoint, then the shop's own URL.
          expect(hops).toContain(`${b.url}/kartoteka/imoje/return/${transaction.id}`);
          return { transaction, up: up!, page, context };
        } catch (err) {
          await context.close();
          throw err;
        }
      }

      it('a registration (card, oneclick) passed at A’s challenge: settled on B with its profile, charged once at A, the shop notified once by B', async () => {
        const chargesBefore = (await approvedCharges(upstream.a)).length;
        const { transaction, page, context } = await challenged(
          {},
          'Authenticate',
          `imoje-upstream-challenge-${db}.png`,
        );
        try {
          const settled = await bTransaction(transaction.id);
          expect(settled).toMatchObject({ status: 'settled', statusCode: 'CODE_000' });
          expect(settled.paymentProfile).toMatchObject({ profile: 'ONE_CLICK', maskedNumber: '****1112' });
          const [after] = await upstreamOf(upstream.a, transaction.id);
          expect(after!.row.status).toBe('settled');
          expect(settled.paymentProfile!.firstTransactionId).toBe(after!.row.networkTxnId);
          expect(await approvedCharges(upstream.a)).toHaveLength(chargesBefore + 1);
          expect(after!.ledger).toHaveLength(1);

          // The payer's browser data went to A with the payment (what A received over HTTP).
          const sent = proxy.received.filter(
            (r) =>
              r.path.endsWith('/transaction') && (r.body as { orderId?: string }).orderId === transaction.id,
          );
          expect(sent).toHaveLength(1);
          expect((sent[0]!.body as { additionalData: unknown }).additionalData).toEqual({ browser: BROWSER });

          // A's notification reaches B too (a duplicate of what the return already finalised), then B's to the
          // shop: once, signed with B's shop key. Reloading the return page only reads the result.
          await deliver();
          await page.goto(`${b.url}/kartoteka/imoje/return/${transaction.id}`);
          await page.waitForURL(`${shop.origin}/success`);
          await deliver();
          const notified = toShop(transaction.id);
          expect(notified).toHaveLength(1);
          const bytes = Buffer.from(notified[0]!.body, 'utf8');
          expect(notified[0]!.headers!['x-imoje-signature']).toBe(
            expectedSignatureHeader(
              bytes,
              b.merchant.merchantId,
              b.merchant.serviceId,
              b.merchant.serviceKey,
            ),
          );
          expect(JSON.parse(notified[0]!.body).transaction).toMatchObject({
            id: transaction.id,
            status: 'settled',
          });
          expect(await approvedCharges(upstream.a)).toHaveLength(chargesBefore + 1);
        } finally {
          await context.close();
        }
      });

      it('a FIRST payment whose challenge fails at A: rejected CODE_570 on B, the browser at the shop’s failure URL, nothing charged', async () => {
        const chargesBefore = (await approvedCharges(upstream.a)).length;
        const { transaction, context } = await challenged({ profileType: 'FIRST' }, 'Fail');
        try {
          expect(await bTransaction(transaction.id)).toMatchObject({
            status: 'rejected',
            statusCode: 'CODE_570',
          });
          const [after] = await upstreamOf(upstream.a, transaction.id);
          expect(after!.row).toMatchObject({ status: 'rejected', statusCode: 'CODE_570' });
          expect(after!.ledger).toHaveLength(0);
          expect(await approvedCharges(upstream.a)).toHaveLength(chargesBefore);
          await deliver();
          expect(toShop(transaction.id)).toHaveLength(1);
          expect(JSON.parse(toShop(transaction.id)[0]!.body).transaction).toMatchObject({
            status: 'rejected',
          });
        } finally {
          await context.close();
        }
      });

      it('a one-off ecom3ds payment passed at A whose way back to B is lost: A’s notification settles it; a late return still lands at the shop', async () => {
        const body = saleBody(
          b.merchant.serviceId,
          {
            paymentMethodCode: 'ecom3ds',
            successReturnUrl: `${shop.origin}/success`,
            failureReturnUrl: `${shop.origin}/failure`,
          },
          { number: CHALLENGE },
        );
        delete (body.customer as { cid?: string }).cid;
        const res = await b.merchant.api.post<TransactionResponse>('/transaction', body);
        expect(res.status, res.text).toBe(200);
        const { transaction, action } = res.body;
        // The payer passes at A (the form A's page posts), but the way back to B is lost: not followed.
        const passed = await fetch(action!.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'result=pass',
          redirect: 'manual',
        });
        expect(passed.status).toBe(303);
        const back = `${b.url}/kartoteka/imoje/return/${transaction.id}`;
        expect(passed.headers.get('location')).toBe(back);
        expect((await bTransaction(transaction.id)).status).toBe('pending');
        // A's notification settles it on B.
        await deliver();
        const settled = await bTransaction(transaction.id);
        expect(settled).toMatchObject({ status: 'settled', paymentMethodCode: 'ecom3ds' });
        expect(settled.paymentProfile).toBeUndefined();
        // The payer coming back later still lands at the shop's success URL; nothing is finalised twice.
        const late = await fetch(back, { redirect: 'manual' });
        expect(late.status).toBe(303);
        expect(late.headers.get('location')).toBe(`${shop.origin}/success`);
        await b.gateway.worker.tick();
        expect(toShop(transaction.id)).toHaveLength(1);
      });

      it('a payer back before upstream decided sees "Payment in progress" with a way to check again (375 px)', async () => {
        const res = await b.merchant.api.post<TransactionResponse>(
          '/transaction',
          saleBody(b.merchant.serviceId, { profileType: 'FIRST' }, { number: CHALLENGE }),
        );
        const { context, page } = await newPage(browser, 375, 700);
        try {
          const back = `${b.url}/kartoteka/imoje/return/${res.body.transaction.id}`;
          const shown = await page.goto(back);
          expect(shown!.status()).toBe(202);
          await page.getByRole('heading', { name: 'Payment in progress' }).waitFor();
          await page.keyboard.press('Tab');
          await expect
            .poll(() => page.evaluate(() => document.activeElement?.textContent))
            .toBe('Check again');
          await page.screenshot({ path: `${ARTIFACTS}/imoje-return-in-progress-375-${db}.png` });
          await page.keyboard.press('Enter');
          await page.waitForLoadState('load');
          expect(page.url()).toBe(back);
          expect((await bTransaction(res.body.transaction.id)).status).toBe('pending');
        } finally {
          await context.close();
        }
      });

      it('the return endpoint for an unknown payment is a 404 page, and exists only in front of imoje', async () => {
        const res = await fetch(`${b.url}/kartoteka/imoje/return/00000000-0000-4000-8000-000000000000`);
        expect(res.status).toBe(404);
        expect(await res.text()).toContain('Unknown payment');
        expect((await fetch(`${upstream.a.url}/kartoteka/imoje/return/x`)).status).toBe(404);
        expect(await (await fetch(`${upstream.a.url}/kartoteka/imoje/return/x`)).text()).not.toContain(
          'Unknown payment',
        );
      });

      it('the challenge card is in no log of A or B, nor in clear in anything B stores', async () => {
        const logs = b.logs.join('') + upstream.a.logs.join('');
        expect(logs).not.toContain(CHALLENGE);
        const stored = await everythingStored(b);
        expect(stored).toContain('"last4":"1112"');
        expect(stored).not.toContain(CHALLENGE);
      });
    },
  );
}
