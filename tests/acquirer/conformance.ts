/**
 * The acquirer conformance suite: what every connector must do, whatever the processor behind it. A connector
 * passes it before it is registered (docs/connectors.md); `describeConformance` is called once per connector
 * (and per storage it can keep state on), like Kysely's one test suite looped over every dialect.
 *
 * It talks to the connector only through the `Acquirer` interface, and to the `GuardedAcquirer` every call goes
 * through in the gateway, so it checks the contract the payments code relies on: declines are values, a
 * reference is an idempotency key, `lookup` answers after a restart, and a request is never acted on after its
 * deadline (so "not found after the deadline" means "never done").
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  Acquirer,
  AcquirerChallenge,
  AcquirerResult,
  AuthorizeRequest,
} from '../../src/acquirer/acquirer.js';
import { AcquirerCallError, GuardedAcquirer } from '../../src/acquirer/guarded-acquirer.js';
import { cardBrand, maskPan } from '../../src/domain/card.js';
import { newId } from '../../src/domain/ids.js';
import type { Logger } from '../../src/domain/log-port.js';
import { Secret } from '../../src/domain/secret.js';
import type { ClearCard } from '../../src/vault/vault.js';

/** One connector on one storage; `connect` may be called again for a fresh instance (a restart). */
export interface ConformanceSubject {
  /** A new connector instance on the same state as every other one this subject made. */
  connect(): Promise<Acquirer>;
  close(): Promise<void>;
}

export interface ConformanceSetup {
  start(): Promise<ConformanceSubject>;
  /** The processor's test cards for each behaviour the suite needs. */
  cards: {
    /** Approves the first use and later ones. */
    approved: string;
    /** Declines. */
    declined: string;
    /** Answers, but only after `slowMs`. */
    slow: string;
    /** Acts on the request (before its deadline) and never answers. */
    unanswering: string;
  };
  /** How long the slow card takes; the suite's guard gives up well before. */
  slowMs: number;
  /**
   * What the processor does with a request that reached it before its deadline but finished after it.
   * `refused`: it does not act (the sandbox; a processor with a request expiry). `reported`: a processor with no
   * request expiry (imoje) acts anyway, and the connector reports what it did — so "not found" never stands
   * for a request that was sent (the connector records the ask before it leaves).
   */
  lateAnswers: 'refused' | 'reported';
  /**
   * A processor whose 3-D Secure challenge happens on its own page (`simulatedChallenge: false`): a card it
   * challenges, and how the payer answers that page (pass or fail). The suite then checks the challenge
   * contract: `authorize` answers the page's URL, and the outcome is unknown until the payer answered.
   */
  challenge?: { card: string; answer(url: string, pass: boolean): Promise<void> };
}

/** The suite's cards are frictionless: a challenge here is a failure, not an answer to check. */
async function answered(p: Promise<AcquirerResult | AcquirerChallenge>): Promise<AcquirerResult> {
  const r = await p;
  if (r.outcome === 'challenge') throw new Error(`unexpected 3-D Secure challenge at ${r.url}`);
  return r;
}

const FUTURE_YEAR = String(new Date().getFullYear() + 3);

function clearCard(pan: string): ClearCard {
  return {
    id: newId(),
    pan: new Secret(pan, maskPan(pan)),
    brand: cardBrand(pan),
    masked: maskPan(pan),
    month: '12',
    year: FUTURE_YEAR,
    firstName: 'Jan',
    lastName: 'Kowalski',
  };
}

/** Every log line the guard writes, to check it names at most the masked card. */
function captureLog(lines: string[]): Logger {
  const write = (obj: object, msg?: string) => {
    lines.push(JSON.stringify({ obj, msg }));
  };
  return { info: write, warn: write, error: write };
}

export function describeConformance(name: string, setup: ConformanceSetup): void {
  describe(`acquirer conformance: ${name}`, () => {
    let subject: ConformanceSubject;
    let acquirer: Acquirer;
    const logLines: string[] = [];
    // A guard that gives up long before the slow card answers, as the gateway's does around every connector.
    const guardTimeoutMs = Math.max(50, Math.floor(setup.slowMs / 5));
    let guarded: GuardedAcquirer;

    beforeAll(async () => {
      subject = await setup.start();
      acquirer = await subject.connect();
      guarded = new GuardedAcquirer(acquirer, {
        timeoutMs: guardTimeoutMs,
        log: captureLog(logLines),
        now: () => Date.now(),
      });
    });
    afterAll(async () => {
      await subject?.close();
    });

    const deadline = (ms = 60_000) => Date.now() + ms;
    const first = (pan: string, extra: Partial<AuthorizeRequest> = {}): AuthorizeRequest => ({
      reference: newId(),
      amount: 1000,
      currency: 'PLN',
      card: clearCard(pan),
      cvv: new Secret('123'),
      initiator: 'CIT',
      storedCredential: 'first',
      threeDSecure: 'frictionless',
      capture: true,
      deadline: deadline(),
      ...extra,
    });
    const refund = (saleReference: string, amount: number) =>
      acquirer.refund({ reference: newId(), saleReference, amount, currency: 'PLN', deadline: deadline() });

    it('authorizes a customer-initiated first use and issues a network transaction id', async () => {
      const result = await answered(acquirer.authorize(first(setup.cards.approved)));
      expect(result).toMatchObject({ outcome: 'approved', code: 'CODE_000' });
      expect(result.networkTxnId).toMatch(/^\S+$/);
    });

    it('authorizes a merchant-initiated later use that quotes the first payment’s network id', async () => {
      const firstUse = await answered(acquirer.authorize(first(setup.cards.approved)));
      const later = await acquirer.authorize({
        ...first(setup.cards.approved),
        cvv: undefined,
        threeDSecure: undefined,
        initiator: 'MIT',
        storedCredential: 'subsequent',
        quotedNetworkTxnId: firstUse.networkTxnId,
      });
      expect(later.outcome).toBe('approved');
    });

    it('does not approve a merchant-initiated later use that quotes nothing (and answers, not throws)', async () => {
      const later = await acquirer.authorize({
        ...first(setup.cards.approved),
        cvv: undefined,
        initiator: 'MIT',
        storedCredential: 'subsequent',
        quotedNetworkTxnId: null,
      });
      expect(later.outcome).not.toBe('approved');
    });

    it('answers a decline as a value with its result code, never by throwing', async () => {
      const result = await answered(acquirer.authorize(first(setup.cards.declined)));
      expect(result.outcome).toBe('declined');
      expect(result.code).toMatch(/^CODE_/);
      expect(result.code).not.toBe('CODE_000');
      expect(result.networkTxnId).toBeUndefined();
    });

    // Only a connector whose processor challenges on its own page has this part of the contract.
    for (const pass of setup.challenge ? [true, false] : []) {
      it(`a payment the processor challenges answers with its page; the outcome is unknown until the payer ${pass ? 'passed' : 'failed'} it`, async () => {
        const challenge = setup.challenge!;
        expect(acquirer.simulatedChallenge).toBe(false);
        const request = first(challenge.card);
        const asked = await acquirer.authorize(request);
        if (asked.outcome !== 'challenge') throw new Error(`expected a challenge, got ${asked.outcome}`);
        expect(asked.url).toMatch(/^https?:\/\/\S+$/);
        // Not "never done", not a decline: it can't tell yet (the gateway keeps the payment pending).
        await expect(acquirer.lookup(request.reference, 'authorize')).rejects.toThrow();
        // The same reference again is not a second payment: still undecided.
        await expect(acquirer.authorize(request)).rejects.toThrow();
        await challenge.answer(asked.url, pass);
        const found = await (await subject.connect()).lookup(request.reference, 'authorize');
        if (pass) {
          expect(found).toMatchObject({ outcome: 'approved', code: 'CODE_000' });
          expect(found!.networkTxnId).toMatch(/^\S+$/);
        } else {
          expect(found!.outcome).toBe('declined');
          expect(found!.code).toMatch(/^CODE_/);
        }
        expect(await acquirer.lookup(request.reference, 'authorize')).toEqual(found);
      });
    }

    it('treats the reference as an idempotency key: the same reference twice is one charge and one answer', async () => {
      const request = first(setup.cards.approved);
      const once = await acquirer.authorize(request);
      const twice = await acquirer.authorize({ ...request, amount: 5000 });
      expect(twice).toEqual(once);
      // One charge of 1000, not two (nor one of 5000): the whole amount refunds once, then nothing more does.
      expect((await refund(request.reference, 1000)).outcome).toBe('approved');
      expect((await refund(request.reference, 1)).outcome).toBe('declined');
    });

    it('tells, after a crash, what it did under a reference: a fresh instance looks it up', async () => {
      const request = first(setup.cards.approved);
      const answered = await acquirer.authorize(request);
      const restarted = await subject.connect();
      expect(await restarted.lookup(request.reference, 'authorize')).toEqual(answered);
      expect(await restarted.lookup(newId(), 'authorize')).toBeUndefined();
      const declined = first(setup.cards.declined);
      expect(await restarted.lookup(declined.reference, 'authorize')).toBeUndefined();
      const answer = await acquirer.authorize(declined);
      expect(await restarted.lookup(declined.reference, 'authorize')).toEqual(answer);
    });

    it('captures a pre-authorisation once; a capture or void of it afterwards changes nothing', async () => {
      const hold = first(setup.cards.approved, { capture: false });
      expect((await acquirer.authorize(hold)).outcome).toBe('approved');
      const followUp = { reference: hold.reference, amount: 1000, currency: 'PLN', deadline: deadline() };
      const captured = await acquirer.capture(followUp);
      expect(captured.outcome).toBe('approved');
      expect(await acquirer.capture(followUp)).toEqual(captured);
      expect(await (await subject.connect()).lookup(hold.reference, 'capture')).toEqual(captured);
      expect((await acquirer.void(followUp)).outcome).toBe('declined');
      expect((await refund(hold.reference, 1000)).outcome).toBe('approved');
    });

    it('voids a pre-authorisation: nothing can be captured or refunded afterwards', async () => {
      const hold = first(setup.cards.approved, { capture: false });
      await acquirer.authorize(hold);
      const followUp = { reference: hold.reference, amount: 1000, currency: 'PLN', deadline: deadline() };
      expect(
        (await acquirer.refund({ ...followUp, reference: newId(), saleReference: hold.reference })).outcome,
      ).toBe('declined');
      expect((await acquirer.void(followUp)).outcome).toBe('approved');
      expect((await acquirer.capture(followUp)).outcome).toBe('declined');
      expect((await refund(hold.reference, 1)).outcome).toBe('declined');
    });

    it('never refunds more than was charged, partial refunds and concurrent ones included', async () => {
      const sale = first(setup.cards.approved);
      await acquirer.authorize(sale);
      const partial = {
        reference: newId(),
        saleReference: sale.reference,
        amount: 600,
        currency: 'PLN',
        deadline: deadline(),
      };
      expect((await acquirer.refund(partial)).outcome).toBe('approved');
      // The same refund again is the same refund, not a second one.
      expect((await acquirer.refund(partial)).outcome).toBe('approved');
      expect((await refund(sale.reference, 500)).outcome).toBe('declined');
      const racing = await Promise.all([refund(sale.reference, 300), refund(sale.reference, 300)]);
      expect(racing.filter((r) => r.outcome === 'approved')).toHaveLength(1);
      expect((await refund(sale.reference, 100)).outcome).toBe('approved');
      expect((await refund(sale.reference, 1)).outcome).toBe('declined');
    });

    it('through the guard: a slow answer is a timeout (outcome unknown), and a lookup later finds what it did', async () => {
      const request = first(setup.cards.slow);
      const error: unknown = await guarded.authorize(request).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(AcquirerCallError);
      expect(error).toMatchObject({ kind: 'timeout', call: 'authorize' });
      const found = await vi.waitFor(
        async () => {
          const entry = await acquirer.lookup(request.reference, 'authorize');
          if (!entry) throw new Error('not yet');
          return entry;
        },
        { timeout: setup.slowMs * 10, interval: 50 },
      );
      expect(found.outcome).toBe('approved');
      const logged = logLines.join('\n');
      expect(logged).toContain(request.reference);
      expect(logged).not.toContain(setup.cards.slow);
    });

    it('through the guard: an unanswered request is a timeout, and the lookup finds it done before its deadline', async () => {
      const request = first(setup.cards.unanswering, { deadline: deadline(guardTimeoutMs * 4) });
      const error: unknown = await guarded.authorize(request).catch((err: unknown) => err);
      expect(error).toMatchObject({ kind: 'timeout', call: 'authorize' });
      const found = await vi.waitFor(
        async () => {
          const entry = await guarded.lookup(request.reference, 'authorize');
          if (!entry) throw new Error('not yet');
          return entry;
        },
        { timeout: guardTimeoutMs * 40, interval: 50 },
      );
      expect(found.outcome).toBe('approved');
    });

    it('through the guard: a connector that throws is a failure, never a decline', async () => {
      const error: unknown = await guarded
        .authorize(first(setup.cards.approved, { deadline: Date.now() - 1 }))
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(AcquirerCallError);
    });

    describe('the deadline contract: nothing is done after a request’s deadline', () => {
      it('refuses an authorization that arrives after its deadline, and records nothing', async () => {
        const late = first(setup.cards.approved, { deadline: Date.now() - 1 });
        await expect(acquirer.authorize(late)).rejects.toThrow();
        expect(await acquirer.lookup(late.reference, 'authorize')).toBeUndefined();
      });

      if (setup.lateAnswers === 'refused') {
        it('refuses an authorization whose processing ends after its deadline: "not found" then means never done', async () => {
          const late = first(setup.cards.slow, { deadline: deadline(Math.floor(setup.slowMs / 3)) });
          await expect(acquirer.authorize(late)).rejects.toThrow();
          expect(Date.now()).toBeGreaterThan(late.deadline!);
          expect(await (await subject.connect()).lookup(late.reference, 'authorize')).toBeUndefined();
        });
      } else {
        it('reports an authorization sent before its deadline and answered after it: never "not found"', async () => {
          const late = first(setup.cards.slow, { deadline: deadline(Math.floor(setup.slowMs / 3)) });
          const answer = await acquirer.authorize(late);
          expect(Date.now()).toBeGreaterThan(late.deadline!);
          expect(answer.outcome).toBe('approved');
          expect(await (await subject.connect()).lookup(late.reference, 'authorize')).toEqual(answer);
        });
      }

      it('refuses a late capture, void or refund; the hold and the sale stay as they were', async () => {
        const hold = first(setup.cards.approved, { capture: false });
        await acquirer.authorize(hold);
        const late = { reference: hold.reference, amount: 1000, currency: 'PLN', deadline: Date.now() - 1 };
        await expect(acquirer.capture(late)).rejects.toThrow();
        await expect(acquirer.void(late)).rejects.toThrow();
        expect(await acquirer.lookup(hold.reference, 'capture')).toBeUndefined();
        expect(await acquirer.lookup(hold.reference, 'void')).toBeUndefined();
        const captured = await acquirer.capture({ ...late, deadline: deadline() });
        expect(captured.outcome).toBe('approved');
        const lateRefund = { reference: newId(), saleReference: hold.reference, amount: 10, currency: 'PLN' };
        await expect(acquirer.refund({ ...lateRefund, deadline: Date.now() - 1 })).rejects.toThrow();
        expect(await acquirer.lookup(lateRefund.reference, 'refund')).toBeUndefined();
        expect((await refund(hold.reference, 1000)).outcome).toBe('approved');
      });
    });
  });
}
