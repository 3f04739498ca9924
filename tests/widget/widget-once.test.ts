import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { recoverStuckPayments } from '../../src/payments/recover.js';
import { answerChallenge } from '../support/challenge.js';
import { DB_KINDS } from '../support/databases.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import {
  chargesFor,
  openSession,
  openWidget,
  page,
  payerWithSavedCard,
  payWithNewCard,
  payWithSaved,
  savedClicksAtOnce,
  signedOrder,
  withSignatureOf,
} from './http-widget.js';

const PLAIN = '4111111111111111';
const THREE_DS = '4012001037141112';
const DECLINED = '4444333322221111';
const ALREADY_PAID = 'This order has already been paid';

/** Issue 12, items 2 and 3: one widget order is paid at most once, however often and wherever it is opened. */
describe.each(DB_KINDS)('one payment per widget order (%s)', (db) => {
  let gw: TestGateway;
  const clock = new ManualClock();
  beforeAll(async () => {
    gw = await startGateway({ db, clock });
  });
  afterAll(async () => {
    await gw?.close();
  });

  const storage = () => gw.gateway.storage;

  it('8 concurrent saved-card clicks on one widget opening charge the saved card once', async () => {
    const m = gw.merchant;
    const signed = signedOrder(m, { customerId: await payerWithSavedCard(m) });
    const session = await openSession(gw.url, withSignatureOf(m, signed));
    const answers = await savedClicksAtOnce([{ baseUrl: gw.url, session }], 8);
    for (const a of answers) expect(a.status).toBe(303);
    const { transactions, charged } = await chargesFor(storage(), signed.orderId!);
    expect(transactions).toHaveLength(1);
    expect(charged).toHaveLength(1);
    expect(transactions[0]).toMatchObject({ status: 'settled', source: 'web' });
  });

  it('saved-card clicks on two openings of one order at once charge the saved card once', async () => {
    const m = gw.merchant;
    const signed = signedOrder(m, { customerId: await payerWithSavedCard(m) });
    const sessions = [
      await openSession(gw.url, withSignatureOf(m, signed)),
      await openSession(gw.url, withSignatureOf(m, signed)),
    ];
    const answers = await savedClicksAtOnce(
      sessions.map((session) => ({ baseUrl: gw.url, session })),
      8,
    );
    const { transactions, charged } = await chargesFor(storage(), signed.orderId!);
    expect(transactions).toHaveLength(1);
    expect(charged).toHaveLength(1);
    // The other opening was told why it charged nothing (in progress, or paid), never shown an error.
    for (const a of answers) expect([303, 409, 422]).toContain(a.status);
    for (const a of answers.filter((x) => x.status !== 303)) {
      expect(a.html).toMatch(/already in progress|already been paid/);
    }
  });

  it('a paid order opened again says it was paid, offers no saved card and charges nothing', async () => {
    const m = gw.merchant;
    const signed = signedOrder(m, { customerId: await payerWithSavedCard(m) });
    const attrs = withSignatureOf(m, signed);
    const first = await openSession(gw.url, attrs);
    // A second tab opened before the payment, still showing the form.
    const stale = await openSession(gw.url, attrs);
    expect((await page(`${gw.url}/widget/session/${stale}`)).html).toContain('id="kw-saved"');
    expect((await payWithSaved(gw.url, first)).status).toBe(303);

    // The shop page reloaded: a new opening of the same signed order.
    const reopened = await openWidget(gw.url, attrs);
    expect(reopened.status).toBe(409);
    expect(reopened.html).toContain(ALREADY_PAID);
    expect(reopened.html).toContain('data-code="already_paid"');
    expect(reopened.html).not.toContain('kw-saved');
    // The stale tab: the form is gone, and neither the saved card nor a new card (3-D Secure or not) pays.
    const stalePage = await page(`${gw.url}/widget/session/${stale}`);
    expect(stalePage.status).toBe(409);
    expect(stalePage.html).toContain(ALREADY_PAID);
    expect(stalePage.html).not.toContain('kw-saved');
    for (const answer of [
      await payWithSaved(gw.url, stale),
      await payWithNewCard(gw.url, stale, PLAIN, true),
      await payWithNewCard(gw.url, stale, THREE_DS, true),
    ]) {
      expect(answer.status).toBe(409);
      expect(answer.html).toContain(ALREADY_PAID);
    }
    const { transactions, charged } = await chargesFor(storage(), signed.orderId!);
    expect(transactions).toHaveLength(1);
    expect(charged).toHaveLength(1);
  });

  it('a 3-D Secure challenge holds its order: another opening charges nothing, and after it passes the order is paid', async () => {
    const m = gw.merchant;
    const signed = signedOrder(m, { customerId: await payerWithSavedCard(m) });
    const attrs = withSignatureOf(m, signed);
    const a = await openSession(gw.url, attrs);
    const b = await openSession(gw.url, attrs);
    const challenge = await payWithNewCard(gw.url, a, THREE_DS, true);
    expect(challenge.status).toBe(303);
    expect(challenge.location).toMatch(/\/3ds\//);

    const meanwhile = await payWithSaved(gw.url, b);
    expect(meanwhile.status).toBe(422);
    expect(meanwhile.html).toContain('already in progress');
    expect((await payWithNewCard(gw.url, b, PLAIN, true)).html).toContain('already in progress');

    const passed = await answerChallenge(challenge.location!, 'pass');
    expect(passed.status).toBe(303);
    expect((await payWithSaved(gw.url, b)).html).toContain(ALREADY_PAID);
    expect((await openWidget(gw.url, attrs)).status).toBe(409);
    const { transactions, charged } = await chargesFor(storage(), signed.orderId!);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]).toMatchObject({ status: 'settled' });
    expect(charged).toHaveLength(1);
  });

  it('a declined payment releases the order: the payer pays it with another card', async () => {
    const m = gw.merchant;
    const attrs = withSignatureOf(m, signedOrder(m));
    const declined = await payWithNewCard(gw.url, await openSession(gw.url, attrs), DECLINED);
    expect(declined.status).toBe(303);
    const again = await openSession(gw.url, attrs);
    expect((await payWithNewCard(gw.url, again, PLAIN)).status).toBe(303);
    const { transactions, charged } = await chargesFor(storage(), attrs.orderId!);
    expect(transactions.map((t) => t.status).sort()).toEqual(['rejected', 'settled']);
    expect(charged).toHaveLength(1);
    expect((await openWidget(gw.url, attrs)).status).toBe(409);
  });

  it('an abandoned 3-D Secure challenge frees its order when it expires', async () => {
    const m = gw.merchant;
    const attrs = withSignatureOf(m, signedOrder(m));
    const abandoned = await payWithNewCard(gw.url, await openSession(gw.url, attrs), THREE_DS);
    expect(abandoned.location).toMatch(/\/3ds\//);
    const blocked = await payWithNewCard(gw.url, await openSession(gw.url, attrs), PLAIN);
    expect(blocked.html).toContain('already in progress');
    clock.advance(16 * 60_000); // past the 15-minute challenge lifetime
    await gw.gateway.worker.tick();
    expect((await payWithNewCard(gw.url, await openSession(gw.url, attrs), PLAIN)).status).toBe(303);
    const { transactions, charged } = await chargesFor(storage(), attrs.orderId!);
    expect(transactions.map((t) => `${t.status} ${t.statusCode}`).sort()).toEqual([
      'rejected CODE_570',
      'settled CODE_000',
    ]);
    expect(charged).toHaveLength(1);
  });

  it('a payment whose process died mid-payment frees its order once recovery settles it', async () => {
    const m = gw.merchant;
    const attrs = withSignatureOf(m, signedOrder(m));
    const started = await payWithNewCard(gw.url, await openSession(gw.url, attrs), THREE_DS);
    const id = started.location!.split('/').pop()!;
    // The payer passed the challenge; the process died before the acquirer was asked, and the attempt's
    // deadline has passed, so "no record at the acquirer" means it was never charged.
    const repos = storage().repos;
    expect(
      await repos.transactions.updateTransaction(
        id,
        { stage: 'authorizing', acquirerDeadline: clock.now() - 1 },
        { stage: 'challenge' },
      ),
    ).toBe(true);
    const blocked = await payWithNewCard(gw.url, await openSession(gw.url, attrs), PLAIN);
    expect(blocked.html).toContain('already in progress');
    clock.advance(1_000);
    await recoverStuckPayments(gw.gateway.payments, 0);
    expect((await repos.transactions.getTransactionById(id))?.status).toBe('error');
    expect((await payWithNewCard(gw.url, await openSession(gw.url, attrs), PLAIN)).status).toBe(303);
    const { charged } = await chargesFor(storage(), attrs.orderId!);
    expect(charged).toHaveLength(1);
  });

  it('the same orderId signed for another amount is another order', async () => {
    const m = gw.merchant;
    const signed = signedOrder(m);
    expect(
      (await payWithNewCard(gw.url, await openSession(gw.url, withSignatureOf(m, signed)), PLAIN)).status,
    ).toBe(303);
    const bigger = withSignatureOf(m, { ...signed, amount: '2999' });
    expect((await payWithNewCard(gw.url, await openSession(gw.url, bigger), PLAIN)).status).toBe(303);
  });
});
