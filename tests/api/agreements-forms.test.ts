import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/domain/money.js';
import { signPaywall, type PaywallForm } from '../../src/paywall/signature.js';
import { signWidget } from '../../src/widget/signature.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway, type TestMerchant } from '../support/gateway.js';
import { uniqueCid } from '../support/payloads.js';
import { chargesFor, openWidget, page, payWithNewCard, signedOrder } from '../widget/http-widget.js';
import { linkBody, oneclickCustomer, open } from '../paywall/links.js';

const PLAIN = '4111111111111111';
const AGREEMENT = {
  agreementAmount: '4900',
  agreementIntervalUnit: 'month',
  agreementExpiresAt: '2030-12-01',
};
const TEXT = `${formatMoney(4900, 'PLN', 'en')} every month until 2030-12-01`;

interface AgreementRead {
  agreement: { amount: number; interval: { unit: string; count: number }; expiresAt: string };
}

/**
 * The agreement declared through the widget's signed `data-agreement-*` attributes and the paywall's signed
 * form fields: covered by the signature, shown on the card form, stored with the registration, enforced on debits.
 */
for (const db of DB_KINDS) {
  describe(`agreements through the widget and the paywall (${db})`, () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway({ db, shop: { pci: false } });
    });
    afterAll(async () => {
      await gw?.close();
    });

    const posted = (m: TestMerchant, signed: Record<string, string>) => ({
      ...signed,
      signature: signWidget(signed, m.serviceKey),
      locale: 'en',
    });

    async function profileOf(orderId: string): Promise<string> {
      const { transactions, charged } = await chargesFor(gw.gateway.storage, orderId);
      expect(charged).toHaveLength(1);
      expect(JSON.parse(charged[0]!.recurring!)).toMatchObject({ frequencyDays: 28, expiry: '20301201' });
      return transactions[0]!.profileId!;
    }

    const readAgreement = (m: TestMerchant, profileId: string) =>
      gw.http.get<AgreementRead>(`/kartoteka/v1/merchant/${m.merchantId}/profiles/${profileId}/agreement`, {
        authorization: `Bearer ${m.token}`,
      });

    it('a recurring widget with signed data-agreement-* attributes shows the terms and registers them', async () => {
      const m = gw.merchant;
      const signed = signedOrder(m, { widgetType: 'recurring', amount: '4900', ...AGREEMENT });
      const opened = await openWidget(gw.url, posted(m, signed));
      expect(opened.status, opened.html).toBe(303);
      const form = await page(gw.url + opened.location!);
      expect(form.html).toContain(`<dd id="kw-agreement">${TEXT}</dd>`);
      const session = opened.location!.split('/').pop()!;
      const paid = await payWithNewCard(gw.url, session, PLAIN);
      expect(paid.status).toBe(303);
      const profileId = await profileOf(signed.orderId!);
      const read = await readAgreement(m, profileId);
      expect(read.status, read.text).toBe(200);
      expect(read.body.agreement).toMatchObject({
        amount: 4900,
        interval: { unit: 'month', count: 1 },
        expiresAt: '2030-12-01',
      });
      // And it binds the profile's debits.
      const debit = await m.api.post('/transaction/profile', {
        serviceId: m.serviceId,
        paymentProfileId: profileId,
        amount: 5000,
        currency: 'PLN',
        orderId: `d-${Date.now()}`,
      });
      expect(debit.status).toBe(400);
      expect(JSON.stringify(debit.body)).toContain('AGR-ERROR-210400');
    });

    it('the signature covers the agreement: a tampered data-agreement-amount is refused, nothing stored', async () => {
      const m = gw.merchant;
      const signed = signedOrder(m, { widgetType: 'recurring', amount: '4900', ...AGREEMENT });
      const sent = { ...posted(m, signed), agreementAmount: '100' };
      const res = await openWidget(gw.url, sent);
      expect(res.status).toBe(403);
      expect(res.html).toContain('invalid_signature');
      // Adding an agreement attribute the shop never signed is tampering too.
      const plain = signedOrder(m, { widgetType: 'recurring' });
      const added = await openWidget(gw.url, { ...posted(m, plain), agreementMaxCycles: '99' });
      expect(added.status).toBe(403);
      expect((await chargesFor(gw.gateway.storage, signed.orderId!)).transactions).toHaveLength(0);
    });

    it('an invalid agreement, or one on a non-recurring widget, is invalid_attributes naming the attribute', async () => {
      const m = gw.merchant;
      const bad = await openWidget(
        gw.url,
        posted(
          m,
          signedOrder(m, {
            widgetType: 'recurring',
            agreementAmount: '4900',
            agreementIntervalUnit: 'fortnight',
          }),
        ),
      );
      expect(bad.status).toBe(422);
      expect(bad.html).toContain('data-agreement-interval-unit');
      const both = await openWidget(
        gw.url,
        posted(
          m,
          signedOrder(m, {
            widgetType: 'recurring',
            agreementAmount: '1',
            agreementMaxAmount: '2',
            agreementMinDays: '3',
          }),
        ),
      );
      expect(both.status).toBe(422);
      expect(both.html).toContain('data-agreement-amount');
      const oneclick = await openWidget(
        gw.url,
        posted(m, signedOrder(m, { widgetType: 'oneclick', ...AGREEMENT })),
      );
      expect(oneclick.status).toBe(422);
      expect(oneclick.html).toContain('data-widget-type');
    });

    it('a shop that requires agreements refuses a recurring widget without one, and opens it with one', async () => {
      const other = await gw.newMerchant({ pci: false });
      await gw.gateway.accounts.updateShop(other.merchantId, other.serviceId, { agreementRequired: true });
      const without = await openWidget(
        gw.url,
        posted(other, signedOrder(other, { widgetType: 'recurring' })),
      );
      expect(without.status).toBe(422);
      expect(without.html).toContain('data-agreement-amount');
      const withOne = await openWidget(
        gw.url,
        posted(other, signedOrder(other, { widgetType: 'recurring', ...AGREEMENT })),
      );
      expect(withOne.status).toBe(303);
      const oneclick = await openWidget(
        gw.url,
        posted(other, signedOrder(other, { widgetType: 'oneclick' })),
      );
      expect(oneclick.status).toBe(303);
      // The paywall form and payment links of that shop likewise.
      const form = paywallFields(other);
      const paywall = await postPaywall({
        ...(form as Record<string, string>),
        signature: signPaywall(form, other.serviceKey),
      });
      expect(paywall.status).toBe(422);
      const link = await other.api.post(
        '/payment',
        linkBody(other, 'https://shop.example', {
          preselectMethodCode: 'recurring',
          customer: oneclickCustomer(),
        }),
      );
      expect(link.status).toBe(422);
      expect(JSON.stringify(link.body)).toContain('AGR-ERROR-210403');
    });

    function paywallFields(m: TestMerchant, extra: PaywallForm = {}): PaywallForm {
      return {
        serviceId: m.serviceId,
        merchantId: m.merchantId,
        amount: '4900',
        currency: 'PLN',
        orderId: `pw-agr-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
        customerFirstName: 'Jan',
        customerLastName: 'Kowalski',
        customerEmail: 'jan@example.com',
        urlSuccess: 'https://shop.example/success',
        urlFailure: 'https://shop.example/failure',
        cid: uniqueCid(),
        preselectMethodCode: 'recurring',
        locale: 'en',
        ...extra,
      };
    }

    const postPaywall = (form: Record<string, string>) =>
      fetch(`${gw.url}/payment`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        redirect: 'manual',
      });

    it('the paywall form declares it with signed agreement fields; a tampered field is refused', async () => {
      const m = gw.merchant;
      const form = paywallFields(m, AGREEMENT);
      const signature = signPaywall(form, m.serviceKey);
      const tampered = await postPaywall({
        ...(form as Record<string, string>),
        agreementExpiresAt: '2040-12-01',
        signature,
      });
      expect(tampered.status).toBe(403);
      const res = await postPaywall({ ...(form as Record<string, string>), signature });
      expect(res.status, await res.clone().text()).toBe(303);
      const location = res.headers.get('location')!;
      const shown = await page(gw.url + location);
      expect(shown.html).toContain(`<dd id="kw-agreement">${TEXT}</dd>`);
      const paid = await payWithNewCard(gw.url, location.split('/').pop()!, PLAIN);
      expect(paid.status).toBe(303);
      const profileId = await profileOf(form.orderId!);
      expect((await readAgreement(m, profileId)).body.agreement.amount).toBe(4900);
    });

    it('a recurring payment link declares it: answered (without an id until paid), shown, registered', async () => {
      const m = gw.merchant;
      const agreement = {
        amount: 4900,
        currency: 'PLN',
        interval: { unit: 'month' },
        expiresAt: '2030-12-01',
      };
      const body = linkBody(m, 'https://shop.example', {
        amount: 4900,
        preselectMethodCode: 'recurring',
        customer: oneclickCustomer(),
        agreement,
      });
      const created = await m.api.post<{
        payment: { id: string; url: string };
        agreement?: Record<string, unknown>;
      }>('/payment', body);
      expect(created.status, created.text).toBe(200);
      expect(created.body.agreement).toMatchObject({ status: 'pending', amount: 4900, description: TEXT });
      expect(created.body.agreement!.id).toBeUndefined();
      const opened = await open(created.body.payment.url);
      expect(opened.status).toBe(303);
      // The link page speaks Polish unless asked otherwise.
      const pl = `${formatMoney(4900, 'PLN', 'pl')} co miesiąc do 2030-12-01`;
      expect((await page(gw.url + opened.location!)).html).toContain(`<dd id="kw-agreement">${pl}</dd>`);
      expect((await payWithNewCard(gw.url, opened.location!.split('/').pop()!, PLAIN)).status).toBe(303);
      const profileId = await profileOf(body.orderId as string);
      expect((await readAgreement(m, profileId)).body.agreement.amount).toBe(4900);
      const read = await m.api.get<{ agreement?: { status: string } }>(`/payment/${created.body.payment.id}`);
      expect(read.body.agreement!.status).toBe('active');

      // A link without one answers imoje's shape; one on a one-off link is refused.
      const plain = await m.api.post('/payment', linkBody(m, 'https://shop.example'));
      expect(Object.keys(plain.body)).toEqual(['payment']);
      const oneOff = await m.api.post('/payment', linkBody(m, 'https://shop.example', { agreement }));
      expect(oneOff.status).toBe(422);
      expect(JSON.stringify(oneOff.body)).toContain('AGR-ERROR-210422');
    });

    it('a one-off paywall payment cannot carry an agreement', async () => {
      const m = gw.merchant;
      const form = paywallFields(m, { ...AGREEMENT, preselectMethodCode: undefined, cid: undefined });
      delete form.preselectMethodCode;
      delete form.cid;
      const res = await postPaywall({
        ...(form as Record<string, string>),
        signature: signPaywall(form, m.serviceKey),
      });
      expect(res.status).toBe(422);
    });
  });
}
