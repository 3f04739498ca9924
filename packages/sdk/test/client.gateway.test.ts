import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../../../tests/support/gateway.js';
import type { KartotekaClient } from '../src/index.js';
import {
  AuthenticationError,
  BusinessRuleError,
  ConflictError,
  NotFoundError,
  PermissionError,
  ValidationError,
  type CreateTransactionRequest,
} from '../src/index.js';
import { clientFor, completeChallenge, orderId, saleRequest, testCard } from './support.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** Runs `fn` and returns what it threw; fails the test when it does not throw. */
async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('KartotekaClient against the real gateway', () => {
  let gw: TestGateway;
  let client: KartotekaClient;
  let serviceId: string;

  beforeAll(async () => {
    gw = await startGateway();
    client = clientFor(gw, gw.merchant);
    serviceId = gw.merchant.serviceId;
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('registers a card (frictionless), reads the transaction, the profile and the cid list', async () => {
    const req = saleRequest(serviceId);
    const created = await client.createTransaction(req);
    expect(created.action).toBeUndefined();
    expect(created.transaction).toMatchObject({
      type: 'sale',
      status: 'settled',
      amount: 1999,
      currency: 'PLN',
      orderId: req.orderId,
      paymentMethod: 'card',
      paymentMethodCode: 'oneclick',
      statusCode: 'CODE_000',
    });
    const profile = created.transaction.paymentProfile;
    expect(profile).toMatchObject({ isActive: 1, profile: 'ONE_CLICK', maskedNumber: '****1111' });

    const read = await client.getTransaction(created.transaction.id);
    expect(read.transaction.id).toBe(created.transaction.id);
    expect(read.transaction.refunds).toEqual([]);

    const got = await client.getProfile(profile!.id);
    expect(got.paymentProfile).toEqual(profile);

    const list = await client.listProfilesByCid(req.customer.cid!);
    expect(list.paymentProfiles.map((p) => p.id)).toEqual([profile!.id]);
    expect((await client.listProfilesByCid('nobody-here')).paymentProfiles).toEqual([]);
  });

  it('returns the 3-D Secure redirect action, and the transaction settles after a passed challenge', async () => {
    const created = await client.createTransaction(
      saleRequest(serviceId, { paymentMethodCode: 'ecom3ds', card: testCard('4012001037141112') }),
    );
    expect(created.transaction.status).toBe('pending');
    expect(created.action).toEqual({
      type: 'redirect',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/3ds\//),
      method: 'GET',
      contentType: '',
      contentBodyRaw: '',
    });
    expect(await completeChallenge(created.action!, 'pass')).toBe('https://shop.example/success');
    expect((await client.getTransaction(created.transaction.id)).transaction.status).toBe('settled');
  });

  it('debits a profile, then deactivation (POST form and DELETE) makes a debit a BusinessRuleError TRX-ERROR-120301', async () => {
    const reg = await client.createTransaction(saleRequest(serviceId, { paymentMethodCode: 'recurring' }));
    const profileId = reg.transaction.paymentProfile!.id;
    expect(reg.transaction.paymentProfile!.profile).toBe('RECURRING');

    const debit = await client.debitProfile({
      serviceId,
      paymentProfileId: profileId,
      amount: 1500,
      currency: 'PLN',
      orderId: orderId('debit'),
      title: 'Subscription',
    });
    expect(debit.transaction).toMatchObject({
      status: 'settled',
      amount: 1500,
      paymentMethodCode: 'recurring',
      paymentProfile: { id: profileId },
    });

    const deactivated = await client.deactivateProfile(profileId);
    expect(deactivated.paymentProfile).toMatchObject({ id: profileId, isActive: 0 });
    const deleted = await client.deleteProfile(profileId);
    expect(deleted.paymentProfile).toMatchObject({ id: profileId, isActive: 0 });

    const err = await rejection(() =>
      client.debitProfile({
        serviceId,
        paymentProfileId: profileId,
        amount: 1500,
        currency: 'PLN',
        orderId: orderId('debit'),
      }),
    );
    expect(err).toBeInstanceOf(BusinessRuleError);
    expect(err).toMatchObject({
      status: 400,
      code: 'TRX-ERROR-120301',
      message: expect.stringContaining('Payment profile inactive.'),
    });
  });

  it('registers without a profile (FIRST) and debits with the firstTransactionId (STANDARD)', async () => {
    const { type: _type, card: _card, ...rest } = saleRequest(serviceId, { paymentMethodCode: 'recurring' });
    const first = await client.registerWithoutProfile({
      type: 'sale',
      ...rest,
      card: testCard(),
      paymentMethodCode: 'recurring',
    });
    expect(first.transaction.status).toBe('settled');
    expect(first.transaction.paymentProfile).toBeUndefined();
    const read = await client.getTransaction(first.transaction.id);
    const firstTransactionId = read.transaction.firstTransactionId;
    expect(firstTransactionId).toEqual(expect.any(String));

    const { cvv: _cvv, ...cardWithoutCvv } = testCard();
    const debit = await client.debitWithoutProfile({
      ...rest,
      type: 'sale',
      orderId: orderId('std'),
      paymentMethodCode: 'recurring',
      card: { ...cardWithoutCvv, firstTransactionId: firstTransactionId! },
    });
    expect(debit.transaction).toMatchObject({ status: 'settled', paymentMethodCode: 'recurring' });
    expect(debit.action).toBeUndefined();

    const err = await rejection(() =>
      client.debitWithoutProfile({
        ...rest,
        type: 'sale',
        orderId: orderId('std'),
        paymentMethodCode: 'recurring',
        card: { ...cardWithoutCvv, firstTransactionId: 'not-a-first-transaction' },
      }),
    );
    expect(err).toBeInstanceOf(BusinessRuleError);
    expect(err).toMatchObject({ status: 400 });
  });

  it('a wrong token is an AuthenticationError (401), and is not retried', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const bad = clientFor(gw, { ...gw.merchant, token: 'wrong-token' }, { fetch: counting });
    const err = await rejection(() => bad.getTransaction(UNKNOWN_ID));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: 'API-ERROR-100401' });
    expect(calls).toBe(1);
  });

  it('unknown ids are NotFoundErrors (404) with the gateway code', async () => {
    const t = await rejection(() => client.getTransaction(UNKNOWN_ID));
    expect(t).toBeInstanceOf(NotFoundError);
    expect(t).toMatchObject({ status: 404, code: 'TRX-ERROR-110404' });
    const p = await rejection(() => client.getProfile(UNKNOWN_ID));
    expect(p).toBeInstanceOf(NotFoundError);
    expect(p).toMatchObject({ status: 404, code: 'PRF-ERROR-130404' });
    const d = await rejection(() => client.deactivateProfile(UNKNOWN_ID));
    expect(d).toBeInstanceOf(NotFoundError);
    const del = await rejection(() => client.deleteProfile(UNKNOWN_ID));
    expect(del).toBeInstanceOf(NotFoundError);
  });

  it('invalid input is a ValidationError (422) naming the field', async () => {
    const body = { ...saleRequest(serviceId), currency: 'XYZ' } as unknown as CreateTransactionRequest;
    const err = await rejection(() => client.createTransaction(body));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ status: 422, code: 'API-ERROR-100422' });
    expect((err as ValidationError).errors.map((e) => e.property)).toContain('currency');
    expect((err as ValidationError).message).toContain('currency');
  });

  it('card data from a shop without PCI DSS is a PermissionError (403)', async () => {
    const m = await gw.newMerchant({ pci: false });
    const err = await rejection(() => clientFor(gw, m).createTransaction(saleRequest(m.serviceId)));
    expect(err).toBeInstanceOf(PermissionError);
    expect(err).toMatchObject({ status: 403, code: 'TRX-ERROR-110403' });
  });

  it('sends an Idempotency-Key on every POST; the same key and payload replays the first answer', async () => {
    const keys: Array<string | null> = [];
    const spying: typeof fetch = (input, init) => {
      keys.push(new Headers(init?.headers).get('idempotency-key'));
      return fetch(input, init);
    };
    const c = clientFor(gw, gw.merchant, { fetch: spying });
    const req = saleRequest(serviceId);
    const a = await c.createTransaction(req);
    await c.getTransaction(a.transaction.id);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys[1]).toBeNull(); // GETs need none

    const key = `order-${req.orderId}`;
    const first = await c.createTransaction({ ...req, orderId: orderId() }, { idempotencyKey: key });
    const again = await c.createTransaction(
      { ...req, orderId: first.transaction.orderId },
      { idempotencyKey: key },
    );
    expect(again.transaction.id).toBe(first.transaction.id);
  });

  it('an Idempotency-Key reused with another payload is a ConflictError (409), not retried', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const c = clientFor(gw, gw.merchant, { fetch: counting });
    const key = `reuse-${orderId()}`;
    await c.createTransaction(saleRequest(serviceId), { idempotencyKey: key });
    calls = 0;
    const err = await rejection(() => c.createTransaction(saleRequest(serviceId), { idempotencyKey: key }));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ status: 409, code: 'API-ERROR-100409', inFlight: false });
    expect(calls).toBe(1);
  });
});
