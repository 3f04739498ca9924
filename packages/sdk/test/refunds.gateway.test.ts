/** refund, canRefund, capture and void against the real gateway. */
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../../tests/support/gateway.js';
import { BusinessRuleError, NotFoundError, ValidationError } from '../src/index.js';
import { clientFor, saleRequest } from './support.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const gw = await startGateway();
const preauth = await gw.newMerchant({ preauth: true });
const client = clientFor(gw, gw.merchant);
const preauthClient = clientFor(gw, preauth);

afterAll(async () => {
  await gw.close();
});

async function settledSale(amount = 5000) {
  const sale = await client.createTransaction(
    saleRequest(gw.merchant.serviceId, { amount, paymentMethodCode: 'ecom3ds' }),
  );
  expect(sale.transaction.status).toBe('settled');
  return sale.transaction;
}

describe('refund and canRefund', () => {
  it('refunds partially, reports the balance, and refuses more than the balance', async () => {
    const sale = await settledSale(5000);
    const can = await client.canRefund(sale.id, { amount: 2000 });
    expect(can).toMatchObject({ id: sale.id, refundable: true, balance: 5000 });
    expect(can.partialRefund.maxRefundAmount).toBe(5000);

    const refund = await client.refund(sale.id, {
      serviceId: gw.merchant.serviceId,
      amount: 2000,
      title: 'Return',
    });
    expect(refund.transaction).toMatchObject({ type: 'refund', status: 'settled', amount: 2000 });
    expect(refund.transaction.id).not.toBe(sale.id);

    const read = await client.getTransaction(sale.id);
    expect(read.transaction.refunds?.map((r) => r.transaction.id)).toEqual([refund.transaction.id]);
    expect((await client.canRefund(sale.id, { amount: 3000 })).balance).toBe(3000);

    const over = client.refund(sale.id, { serviceId: gw.merchant.serviceId, amount: 3001 });
    await expect(over).rejects.toBeInstanceOf(BusinessRuleError);
    await expect(over).rejects.toMatchObject({ status: 400, code: 'TRX-ERROR-150401' });
  });

  it('refunding an unknown transaction is a NotFoundError', async () => {
    await expect(
      client.refund(UNKNOWN_ID, { serviceId: gw.merchant.serviceId, amount: 1 }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'TRX-ERROR-110404',
    });
  });
});

describe('capture and void (pre-authorisation shop)', () => {
  async function authorized() {
    const sale = await preauthClient.createTransaction(
      saleRequest(preauth.serviceId, { paymentMethodCode: 'ecom3ds' }),
    );
    expect(sale.transaction.status).toBe('authorized');
    return sale.transaction;
  }

  it('capture settles an authorized transaction; capturing again is a BusinessRuleError', async () => {
    const t = await authorized();
    const captured = await preauthClient.capture(t.id);
    expect(captured.transaction).toMatchObject({ id: t.id, status: 'settled' });
    await expect(preauthClient.capture(t.id)).rejects.toMatchObject({
      status: 400,
      code: 'TRX-ERROR-160400',
    });
  });

  it('capture takes an optional amount: that much is settled, and refunds are limited to it', async () => {
    const t = await authorized();
    expect(t.amount).toBeGreaterThan(1000);
    const over = preauthClient.capture(t.id, { amount: t.amount + 1 });
    await expect(over).rejects.toBeInstanceOf(ValidationError);
    await expect(over).rejects.toMatchObject({ status: 422, code: 'TRX-ERROR-160422' });
    const captured = await preauthClient.capture(t.id, { amount: 1000 });
    expect(captured.transaction).toMatchObject({ id: t.id, status: 'settled', amount: 1000 });
    expect((await preauthClient.canRefund(t.id, { amount: 1000 })).balance).toBe(1000);
    await expect(
      preauthClient.refund(t.id, { serviceId: preauth.serviceId, amount: 1001 }),
    ).rejects.toMatchObject({ status: 400, code: 'TRX-ERROR-150401' });
  });

  it('void cancels an authorized transaction; a voided one cannot be captured', async () => {
    const t = await authorized();
    const voided = await preauthClient.void(t.id);
    expect(voided.transaction).toMatchObject({ id: t.id, status: 'cancelled' });
    await expect(preauthClient.capture(t.id)).rejects.toBeInstanceOf(BusinessRuleError);
  });

  it('capturing an unknown transaction is a NotFoundError', async () => {
    await expect(preauthClient.void(UNKNOWN_ID)).rejects.toBeInstanceOf(NotFoundError);
  });
});
