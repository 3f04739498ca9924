import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWidget as gatewaySignWidget } from '../../../src/widget/signature.js';
import { signPaywall } from '../../../src/paywall/signature.js';
import { startGateway, type TestGateway } from '../../../tests/support/gateway.js';
import {
  BusinessRuleError,
  NotFoundError,
  signPaywallForm,
  signWidget,
  ValidationError,
  type KartotekaClient,
  type PaywallFields,
  type WidgetFields,
} from '../src/index.js';
import { clientFor, orderId, saleRequest } from './support.js';

describe('KartotekaClient: recurring agreements (extension) against the real gateway', () => {
  let gw: TestGateway;
  let client: KartotekaClient;

  beforeAll(async () => {
    gw = await startGateway();
    client = clientFor(gw, gw.merchant);
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('declare on registration, read it through client.agreements, and debits are held to it', async () => {
    const serviceId = gw.merchant.serviceId;
    const created = await client.createTransaction(
      saleRequest(serviceId, {
        paymentMethodCode: 'recurring',
        amount: 4900,
        agreement: { amount: 4900, currency: 'PLN', interval: { unit: 'month' }, maxCycles: 12 },
      }),
    );
    expect(created.agreement).toMatchObject({
      status: 'active',
      amount: 4900,
      maxCycles: 12,
      frequencyDays: 28,
    });
    const profileId = created.transaction.paymentProfile!.id;
    const read = await client.agreements.getForProfile(profileId);
    expect(read.agreement.usage).toMatchObject({ cycles: 0, lastDebitAt: null });
    // Allowed from the registration on.
    expect(Date.parse(read.agreement.usage!.nextDebitAt!)).toBeLessThanOrEqual(Date.now());
    const debit = { serviceId, paymentProfileId: profileId, currency: 'PLN' as const, orderId: orderId('d') };
    const err = await client.debitProfile({ ...debit, amount: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessRuleError);
    expect((err as BusinessRuleError).code).toBe('AGR-ERROR-210400');
    expect((await client.debitProfile({ ...debit, amount: 4900 })).transaction.status).toBe('settled');
    expect((await client.agreements.getForProfile(profileId)).agreement.usage!.cycles).toBe(1);
    const byTransaction = await client.agreements.getForTransaction(created.transaction.id);
    expect(byTransaction.agreement.id).toBe(created.agreement!.id);
    expect(byTransaction.agreement.usage!.cycles).toBe(1);
  });

  it('an invalid declaration is a ValidationError; a profile without one a NotFoundError', async () => {
    const serviceId = gw.merchant.serviceId;
    const bad = await client
      .createTransaction(
        saleRequest(serviceId, { paymentMethodCode: 'recurring', agreement: { amount: 1, currency: 'PLN' } }),
      )
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).code).toBe('AGR-ERROR-210422');
    const plain = await client.createTransaction(saleRequest(serviceId, { paymentMethodCode: 'recurring' }));
    expect(plain.agreement).toBeUndefined();
    await expect(
      client.agreements.getForProfile(plain.transaction.paymentProfile!.id),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('signWidget and signPaywallForm sign the agreement fields exactly as the gateway verifies them', async () => {
    const m = gw.merchant;
    const widget: WidgetFields = {
      merchantId: m.merchantId,
      serviceId: m.serviceId,
      amount: 4900,
      currency: 'PLN',
      orderId: orderId('w'),
      customerId: 'payer-1',
      customerFirstName: 'Jan',
      customerLastName: 'Kowalski',
      customerEmail: 'jan@example.com',
      widgetType: 'recurring',
      agreementAmount: 4900,
      agreementIntervalUnit: 'month',
      agreementExpiresAt: '2030-12-01',
    };
    const strings = (o: object) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
    expect(await signWidget(widget, m.serviceKey)).toBe(gatewaySignWidget(strings(widget), m.serviceKey));
    const paywall: PaywallFields = {
      serviceId: m.serviceId,
      merchantId: m.merchantId,
      amount: 4900,
      currency: 'PLN',
      orderId: orderId('p'),
      customerFirstName: 'Jan',
      customerLastName: 'Kowalski',
      preselectMethodCode: 'recurring',
      cid: 'payer-2',
      agreementMaxAmount: 10_000,
      agreementMinDays: 28,
    };
    expect(await signPaywallForm(paywall, m.serviceKey)).toBe(signPaywall(strings(paywall), m.serviceKey));
  });
});
