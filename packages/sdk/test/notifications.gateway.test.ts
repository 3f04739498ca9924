/**
 * verifyNotification against notifications the gateway really produced: the body is the row the outbox stored
 * (the exact bytes the worker sends), signed the way imoje-api.md §6 says — sha256(raw body + serviceKey), in
 * `merchantid=…;serviceid=…;signature=…;alg=sha256` — with node:crypto, independently of the SDK's hashing.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway, type TestMerchant } from '../../../tests/support/gateway.js';
import {
  NotificationVerificationError,
  verifyNotification,
  type NotificationFailure,
  type RawBody,
} from '../src/index.js';
import { clientFor, saleRequest } from './support.js';

function sign(body: string, m: TestMerchant, alg = 'sha256'): string {
  const signature = createHash(alg)
    .update(body + m.serviceKey, 'utf8')
    .digest('hex');
  return `merchantid=${m.merchantId};serviceid=${m.serviceId};signature=${signature};alg=${alg}`;
}

async function failure(fn: () => Promise<unknown>): Promise<NotificationVerificationError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof NotificationVerificationError) return err;
    throw err;
  }
  throw new Error('expected verifyNotification to refuse');
}

async function expectRefused(
  fn: () => Promise<unknown>,
  reason: NotificationFailure,
  messagePart: RegExp,
): Promise<void> {
  const err = await failure(fn);
  expect(err.reason).toBe(reason);
  expect(err.message).toMatch(messagePart);
}

describe('verifyNotification with notifications the gateway produced', () => {
  let gw: TestGateway;
  let shopA: TestMerchant;
  let shopB: TestMerchant;
  let bodyA: string;
  let bodyB: string;
  let transactionIdA: string;

  /** Makes a payment and returns the notification body the outbox stored for it. */
  async function notificationOf(m: TestMerchant): Promise<{ body: string; transactionId: string }> {
    const created = await clientFor(gw, m).createTransaction(saleRequest(m.serviceId));
    const rows = await gw.gateway.storage.db
      .selectFrom('notifications')
      .selectAll()
      .where('transactionId', '=', created.transaction.id)
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    return { body: rows[0]!.body, transactionId: created.transaction.id };
  }

  beforeAll(async () => {
    gw = await startGateway();
    shopA = await gw.newMerchant({ notificationUrl: 'http://127.0.0.1:9/x' });
    shopB = await gw.newMerchant({ notificationUrl: 'http://127.0.0.1:9/y' });
    ({ body: bodyA, transactionId: transactionIdA } = await notificationOf(shopA));
    ({ body: bodyB } = await notificationOf(shopB));
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('accepts the body as a string, a Buffer, a Uint8Array and an ArrayBuffer, and returns it parsed', async () => {
    const header = sign(bodyA, shopA);
    const bytes = new TextEncoder().encode(bodyA);
    const forms: RawBody[] = [bodyA, Buffer.from(bodyA, 'utf8'), bytes, bytes.slice().buffer];
    for (const raw of forms) {
      const n = await verifyNotification(raw, header, shopA.serviceKey, { serviceId: shopA.serviceId });
      expect(n.transaction.id).toBe(transactionIdA);
      expect(n.transaction.serviceId).toBe(shopA.serviceId);
      expect(n.payment.id).toBe(transactionIdA);
      expect(n.paymentProfile?.id).toEqual(expect.any(String));
      expect(n.paymentProfile?.id).toBe(n.transaction.paymentProfile?.id);
    }
  });

  it('accepts the other algorithms imoje allows', async () => {
    for (const alg of ['sha224', 'sha384', 'sha512']) {
      const n = await verifyNotification(bodyA, sign(bodyA, shopA, alg), shopA.serviceKey);
      expect(n.transaction.id).toBe(transactionIdA);
    }
  });

  it('refuses a changed body', async () => {
    const tampered = bodyA.replace(/"amount":(\d+)/, (_m, n: string) => `"amount":${Number(n) + 1}`);
    expect(tampered).not.toBe(bodyA);
    await expectRefused(
      () => verifyNotification(tampered, sign(bodyA, shopA), shopA.serviceKey),
      'signature-mismatch',
      /does not match/,
    );
  });

  it('refuses the wrong serviceKey, naming the shop whose key is needed', async () => {
    await expectRefused(
      () => verifyNotification(bodyA, sign(bodyA, shopA), shopB.serviceKey),
      'signature-mismatch',
      new RegExp(`serviceKey is not the key of shop ${shopA.serviceId}`),
    );
  });

  it("refuses another shop's header on this body", async () => {
    const headerB = sign(bodyB, shopB);
    await expectRefused(
      () => verifyNotification(bodyA, headerB, shopA.serviceKey),
      'signature-mismatch',
      /does not match/,
    );
    // Even with shop B's own key the body does not match B's signature.
    await expectRefused(
      () => verifyNotification(bodyA, headerB, shopB.serviceKey),
      'signature-mismatch',
      /does not match/,
    );
    // Told which shop it is, the SDK names the mix-up before hashing anything.
    await expectRefused(
      () => verifyNotification(bodyA, headerB, shopA.serviceKey, { serviceId: shopA.serviceId }),
      'wrong-shop',
      new RegExp(`signed for shop \\(serviceId\\) ${shopB.serviceId}, not ${shopA.serviceId}`),
    );
  });

  it('refuses a parsed body, saying to pass the raw bytes', async () => {
    const parsed = JSON.parse(bodyA) as unknown;
    await expectRefused(
      () => verifyNotification(parsed as RawBody, sign(bodyA, shopA), shopA.serviceKey),
      'not-raw-body',
      /raw request body.*got a parsed object/,
    );
  });

  it('refuses a re-serialised (pretty-printed) body, saying it was re-serialised', async () => {
    const reserialised = JSON.stringify(JSON.parse(bodyA), null, 2);
    await expectRefused(
      () => verifyNotification(reserialised, sign(bodyA, shopA), shopA.serviceKey),
      'signature-mismatch',
      /pretty-printed: it was re-serialised/,
    );
  });

  it('names an unsupported algorithm, a malformed header and a missing header', async () => {
    const good = sign(bodyA, shopA);
    await expectRefused(
      () => verifyNotification(bodyA, good.replace('alg=sha256', 'alg=md5'), shopA.serviceKey),
      'unsupported-algorithm',
      /alg=md5.*sha256/,
    );
    await expectRefused(
      () => verifyNotification(bodyA, good.replace(/signature=[0-9a-f]+;/, ''), shopA.serviceKey),
      'malformed-header',
      /missing signature/,
    );
    await expectRefused(
      () => verifyNotification(bodyA, good.replace(/signature=[0-9a-f]{4}/, 'signature='), shopA.serviceKey),
      'malformed-header',
      /64 hex characters/,
    );
    await expectRefused(
      () => verifyNotification(bodyA, undefined, shopA.serviceKey),
      'missing-header',
      /X-Imoje-Signature/,
    );
  });
});
