import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../domain/log-port.js';
import { maskCardNumbers } from '../../domain/mask-card-numbers.js';
import type { ClearCard } from '../../vault/vault.js';
import {
  AcquirerRefusedError,
  type Acquirer,
  type AcquirerChallenge,
  type AcquirerOperation,
  type AcquirerResult,
  type AuthorizeRequest,
  type FollowUpRequest,
  type NotificationVerdict,
  type RefundRequest,
  type ThreeDSecureDecision,
} from '../acquirer.js';
import type { Attempt, AttemptBook } from './attempts.js';
import { faultOfRefusal, outcomeOfRefusal, outcomeOfStatus, type UpstreamRefusal } from './codes.js';
import type { ImojeConfig } from './config.js';
import {
  UpstreamNoAnswerError,
  UpstreamUnreachableError,
  type UpstreamClient,
  type UpstreamResponse,
} from './upstream-client.js';

/** A request past its deadline is not sent: nothing is recorded, so "no record" still means "never sent". */
export class RequestExpiredError extends Error {
  constructor(reference: string) {
    super(`imoje connector: the request for ${reference} is past its deadline; not sent`);
    this.name = 'RequestExpiredError';
  }
}

/**
 * The outcome of a request that left is not known yet (no answer, or upstream still `pending`). It is never
 * re-sent: upstream's notification for its `orderId`, or a read of the upstream transaction, settles it.
 * `lookup` throws this too, which the gateway reads as "can't tell now" — never as "never done".
 */
export class OutcomeUnknownError extends Error {
  constructor(reference: string, operation: AcquirerOperation, why: string) {
    super(`imoje connector: the ${operation} under ${reference} is not settled upstream yet (${why})`);
    this.name = 'OutcomeUnknownError';
  }
}

interface UpstreamTransaction {
  id: string;
  status: string;
  statusCode?: string;
  firstTransactionId?: string;
}

function transactionOf(body: unknown): UpstreamTransaction | undefined {
  const t = (body as { transaction?: Partial<UpstreamTransaction> } | undefined)?.transaction;
  if (!t || typeof t.id !== 'string' || typeof t.status !== 'string') return undefined;
  return t as UpstreamTransaction;
}

/** `X-Imoje-Signature: merchantid=…;serviceid=…;signature=…;alg=sha256`, sha256(body + serviceKey). */
function verifySignature(config: ImojeConfig, body: Buffer, header: string | undefined): boolean {
  const m = /^merchantid=([^;]*);serviceid=([^;]*);signature=([0-9a-f]{64});alg=sha256$/.exec(header ?? '');
  if (!m || m[1] !== config.merchantId) return false;
  const key =
    m[2] === config.serviceId
      ? config.serviceKey
      : m[2] === config.preauthServiceId
        ? config.preauthServiceKey
        : null;
  if (!key) return false;
  const expected = createHash('sha256').update(body).update(Buffer.from(key.reveal(), 'utf8')).digest();
  return timingSafeEqual(expected, Buffer.from(m[3]!, 'hex'));
}

/** Only a payment is ever challenged (see `record`): a follow-up's answer is always a result. */
function resultOf(answer: AcquirerResult | AcquirerChallenge): AcquirerResult {
  if (answer.outcome === 'challenge') throw new Error('imoje connector: a challenge outside a payment');
  return answer;
}

type Ask = Omit<Attempt, 'state' | 'upstreamId' | 'result'>;

/**
 * Kartoteka in front of imoje (the profile-less variant, imoje-api.md §5): the gateway keeps the card and
 * sends it upstream with `profileType: FIRST` (with the CVV) and later `STANDARD` (quoting upstream's
 * `firstTransactionId`). imoje has no idempotency keys, so every request is first written to the
 * `imoje_attempts` book and sent at most once; see docs/connectors.md for the exact guarantee.
 */
export class ImojeAcquirer implements Acquirer {
  readonly name = 'imoje';
  // The challenge happens upstream, at the card issuer: the gateway serves no simulated page for imoje.
  readonly simulatedChallenge = false;

  constructor(
    private readonly config: ImojeConfig,
    private readonly client: UpstreamClient,
    private readonly book: AttemptBook,
    private readonly now: () => Date,
    private readonly log: Logger,
    private readonly publicUrl: () => string,
  ) {}

  // Upstream decides on 3-D Secure when it sees the payment; the gateway cannot know beforehand.
  async threeDSecure(_card: ClearCard): Promise<ThreeDSecureDecision> {
    return 'frictionless';
  }

  async authorize(request: AuthorizeRequest): Promise<AcquirerResult | AcquirerChallenge> {
    this.refuseIfLate(request.reference, request.deadline);
    const existing = await this.book.find(request.reference, 'authorize');
    if (existing) return this.settle(existing);
    const serviceId = request.capture ? this.config.serviceId : this.config.preauthServiceId;
    const ask: Ask = {
      reference: request.reference,
      operation: 'authorize',
      serviceId: serviceId ?? this.config.serviceId,
      saleReference: null,
      amount: request.amount,
      askedAt: this.now().getTime(),
    };
    if (request.storedCredential === 'subsequent' && !request.quotedNetworkTxnId) {
      // A later use must quote the first payment; upstream would refuse it, so it is not sent at all.
      return (await this.book.answerWithoutAsking(ask, { outcome: 'declined', code: 'CODE_SD' })).result!;
    }
    if (!serviceId) {
      throw new Error('imoje connector: a pre-authorisation needs KARTOTEKA_IMOJE_PREAUTH_SERVICE_ID');
    }
    return this.ask(ask, '/transaction', this.transactionBody(request, serviceId), request.capture);
  }

  /**
   * `request.recurring` (the agreement's EMV 3-D Secure recurring data) is not sent: imoje's transaction body
   * has no field for it (imoje-api.md §3, §5), and an unknown field could be refused upstream. imoje runs its own
   * 3-D Secure; the agreement is still enforced by Kartoteka on every debit before this connector is asked.
   */
  private transactionBody(request: AuthorizeRequest, serviceId: string): Record<string, unknown> {
    const card = request.card;
    const later = request.storedCredential === 'subsequent';
    const code = later ? (request.initiator === 'MIT' ? 'recurring' : 'oneclick') : 'oneclick';
    const returnUrl = `${this.publicUrl()}/kartoteka/imoje/return/${request.reference}`;
    return {
      type: 'sale',
      serviceId,
      amount: request.amount,
      currency: request.currency,
      // Kartoteka's reference is upstream's orderId: what ties a notification back to a request never answered.
      orderId: request.reference,
      title: '',
      paymentMethod: 'card',
      // The payer's browser as the shop sent it to Kartoteka: upstream runs 3-D Secure 2 with it.
      ...(request.payerBrowser ? { additionalData: { browser: request.payerBrowser } } : {}),
      paymentMethodCode: request.storedCredential === 'none' ? 'ecom3ds' : code,
      ...(request.storedCredential === 'none' ? {} : { profileType: later ? 'STANDARD' : 'FIRST' }),
      successReturnUrl: returnUrl,
      failureReturnUrl: returnUrl,
      // Upstream's final word on a payment whose answer was lost reaches the gateway here.
      notificationUrl: `${this.publicUrl()}/kartoteka/imoje/notify`,
      customer: {
        firstName: card.firstName || 'Card',
        lastName: card.lastName || 'Holder',
        // The payer's e-mail is not Kartoteka's to pass on; upstream requires one.
        email: 'payer@kartoteka.invalid',
        cid: card.id,
      },
      card: {
        number: card.pan.reveal(),
        month: card.month,
        year: card.year,
        firstName: card.firstName,
        lastName: card.lastName,
        ...(later
          ? { firstTransactionId: request.quotedNetworkTxnId }
          : request.cvv
            ? { cvv: request.cvv.reveal() }
            : {}),
      },
    };
  }

  async capture(request: FollowUpRequest): Promise<AcquirerResult> {
    return this.followUp('capture', request);
  }

  async void(request: FollowUpRequest): Promise<AcquirerResult> {
    return this.followUp('void', request);
  }

  private async followUp(operation: 'capture' | 'void', request: FollowUpRequest): Promise<AcquirerResult> {
    this.refuseIfLate(request.reference, request.deadline);
    const existing = await this.book.find(request.reference, operation);
    if (existing) return this.settle(existing);
    const sale = await this.book.find(request.reference, 'authorize');
    const ask: Ask = {
      reference: request.reference,
      operation,
      serviceId: sale?.serviceId ?? this.config.serviceId,
      saleReference: request.reference,
      amount: request.amount,
      askedAt: this.now().getTime(),
    };
    if (!sale?.upstreamId || sale.result?.outcome !== 'approved') {
      return (await this.book.answerWithoutAsking(ask, { outcome: 'declined', code: 'CODE_12' })).result!;
    }
    if (operation === 'capture' && request.amount !== sale.amount) {
      // imoje's capture takes no amount: it settles the whole hold (imoje-api.md §3.5). Sent as `{}`, a partial
      // capture took all of it upstream while the gateway settled, notified and refunded only the part. Refused
      // without asking and without a row: the hold stays whole upstream, and a capture of all of it may follow.
      return { outcome: 'declined', code: 'CODE_13' };
    }
    return resultOf(
      await this.ask(ask, `/transaction/${sale.upstreamId}/${operation}`, {}, true, sale.upstreamId),
    );
  }

  async refund(request: RefundRequest): Promise<AcquirerResult> {
    this.refuseIfLate(request.reference, request.deadline);
    const existing = await this.book.find(request.reference, 'refund');
    if (existing) return this.settle(existing);
    const sale = await this.book.find(request.saleReference, 'authorize');
    const ask: Ask = {
      reference: request.reference,
      operation: 'refund',
      serviceId: sale?.serviceId ?? this.config.serviceId,
      saleReference: request.saleReference,
      amount: request.amount,
      askedAt: this.now().getTime(),
    };
    if (!sale?.upstreamId || sale.result?.outcome !== 'approved') {
      return (await this.book.answerWithoutAsking(ask, { outcome: 'declined', code: 'CODE_12' })).result!;
    }
    const body = { type: 'refund', serviceId: sale.serviceId, amount: request.amount };
    return resultOf(await this.ask(ask, `/transaction/${sale.upstreamId}/refund`, body, true));
  }

  async lookup(reference: string, operation: AcquirerOperation): Promise<AcquirerResult | undefined> {
    const attempt = await this.book.find(reference, operation);
    // Written before every request leaves: no row means upstream was never asked.
    if (!attempt) return undefined;
    return this.settle(attempt);
  }

  /**
   * Upstream's notification (imoje-api.md §6): verified with the shop's serviceKey, then matched to what was
   * asked — a sale by its `orderId` (our reference), a refund by its upstream id or, when that never came back,
   * by its sale and amount. The first outcome recorded stands, so a repeated notification changes nothing.
   */
  async notification(body: Buffer, signature: string | undefined): Promise<NotificationVerdict> {
    if (!verifySignature(this.config, body, signature)) return { verified: false };
    let transaction:
      (UpstreamTransaction & { type?: string; orderId?: string; parentTransactionId?: string }) | undefined;
    try {
      transaction = transactionOf(JSON.parse(body.toString('utf8')));
    } catch {
      transaction = undefined;
    }
    if (!transaction) return { verified: true, settled: [] };
    const candidates: Attempt[] = [];
    if (transaction.type === 'refund') {
      const known = await this.book.findByUpstreamId(transaction.id, 'refund');
      if (known) candidates.push(known);
      else if (transaction.parentTransactionId) {
        const sale = await this.book.findByUpstreamId(transaction.parentTransactionId, 'authorize');
        const amount = (transaction as { amount?: number }).amount;
        const open =
          sale && typeof amount === 'number'
            ? await this.book.unidentifiedRefunds(sale.reference, amount)
            : [];
        // Two lost refunds of the same amount can't be told apart: both wait for a read of upstream instead.
        if (open.length === 1) candidates.push(open[0]!);
      }
    } else if (transaction.orderId) {
      for (const operation of ['authorize', 'capture', 'void'] as const) {
        const attempt = await this.book.find(transaction.orderId, operation);
        if (attempt && attempt.upstreamId !== null && attempt.upstreamId !== transaction.id) continue;
        if (attempt) candidates.push(attempt);
      }
    }
    const settled: Array<{ reference: string; operation: AcquirerOperation }> = [];
    for (const attempt of candidates) {
      if (attempt.result) continue;
      if (attempt.operation === 'capture' && transaction.status !== 'settled') continue;
      if (attempt.operation === 'void' && transaction.status !== 'cancelled') continue;
      const capture = attempt.operation !== 'authorize' || attempt.serviceId !== this.config.preauthServiceId;
      try {
        await this.conclude(
          attempt.reference,
          attempt.operation,
          attempt.upstreamId ?? transaction.id,
          transaction,
          capture,
        );
        settled.push({ reference: attempt.reference, operation: attempt.operation });
      } catch (err) {
        if (!(err instanceof OutcomeUnknownError)) throw err;
      }
    }
    return { verified: true, settled };
  }

  /** A request past its deadline is not sent (the half of the deadline contract a connector can keep). */
  private refuseIfLate(reference: string, deadline: number | undefined): void {
    if (deadline !== undefined && this.now().getTime() > deadline) throw new RequestExpiredError(reference);
  }

  /**
   * Sends one request at most once. The book's row is committed first; if another call holds it already, this
   * one only reads what that one found.
   */
  private async ask(
    ask: Ask,
    path: string,
    body: unknown,
    capture: boolean,
    knownUpstreamId?: string,
  ): Promise<AcquirerResult | AcquirerChallenge> {
    if (!(await this.book.begin(ask))) {
      const held = await this.book.find(ask.reference, ask.operation);
      if (held) return this.settle(held);
    }
    let response: UpstreamResponse;
    try {
      response = await this.client.post(path, body);
    } catch (err) {
      // Only a request that provably never left may be forgotten (and so be asked again later).
      if (err instanceof UpstreamUnreachableError) await this.book.forget(ask.reference, ask.operation);
      throw err;
    }
    return this.record(ask, response, capture, knownUpstreamId);
  }

  private async record(
    ask: Ask,
    response: UpstreamResponse,
    capture: boolean,
    knownUpstreamId: string | undefined,
  ): Promise<AcquirerResult | AcquirerChallenge> {
    const { reference, operation } = ask;
    if (response.status >= 400 && response.status < 500) return this.refusal(ask, response);
    const transaction = response.status === 200 ? transactionOf(response.body) : undefined;
    if (!transaction) {
      throw new UpstreamNoAnswerError(`HTTP ${response.status} without a transaction`);
    }
    const upstreamId = knownUpstreamId ?? transaction.id;
    await this.book.identify(reference, operation, upstreamId);
    const action = (response.body as { action?: { url?: unknown } }).action;
    if (action && operation === 'authorize') {
      // 3-D Secure at the issuer, through upstream: the payer goes to upstream's page, which returns the
      // browser to /kartoteka/imoje/return/{reference}. Upstream's outcome is read then (or notified).
      const url = typeof action.url === 'string' ? action.url : '';
      if (!/^https?:\/\//.test(url)) throw new UpstreamNoAnswerError('a challenge without a usable URL');
      return { outcome: 'challenge', url };
    }
    return this.conclude(ask.reference, operation, upstreamId, transaction, capture);
  }

  /**
   * Upstream answered 4xx: it did nothing. A rate limit is "not sent" (the row is forgotten, the shop gets a
   * 503 and may retry); otherwise the refusal is the operation's final answer, recorded — and, for a payment
   * whose request (422, or 400 naming fields) or whose gateway set-up (401, 403, 404, …) upstream refused,
   * also thrown as `AcquirerRefusedError` so the shop gets a request error, not a transaction. docs/connectors.md
   */
  private async refusal(ask: Ask, response: UpstreamResponse): Promise<AcquirerResult> {
    const { reference, operation } = ask;
    const body = (response.body as { apiErrorResponse?: Partial<UpstreamRefusal> } | undefined)
      ?.apiErrorResponse;
    const refusal: UpstreamRefusal = {
      status: response.status,
      code: typeof body?.code === 'string' ? body.code : undefined,
      message: maskCardNumbers(typeof body?.message === 'string' ? body.message : ''),
      errors: (Array.isArray(body?.errors) ? body.errors : [])
        .filter((e) => typeof e?.property === 'string' && typeof e?.message === 'string')
        .map((e) => ({ property: maskCardNumbers(e.property), message: maskCardNumbers(e.message) })),
    };
    if (response.status === 429) {
      await this.book.forget(reference, operation);
      throw new UpstreamUnreachableError(new Error('upstream answered 429: not processed'));
    }
    const fault = faultOfRefusal(operation, refusal);
    const detail = { reference, operation, status: refusal.status, upstreamCode: refusal.code };
    if (fault === 'processor') {
      // B's own set-up (token, merchant or shop ids, PCI DSS upstream): the operator's to fix. No secret here.
      this.log.error({ ...detail, upstreamMessage: refusal.message }, 'imoje refused the gateway’s set-up');
    } else {
      this.log.warn(detail, 'imoje refused the request');
    }
    const result = fault
      ? ({ outcome: 'error', code: 'CODE_99' } as const)
      : outcomeOfRefusal(operation, refusal.status);
    const recorded = await this.book.answer(reference, operation, null, result, this.nowMs());
    if (!fault || operation !== 'authorize') return recorded;
    throw new AcquirerRefusedError(
      fault,
      refusal.message || `imoje answered ${refusal.status}${refusal.code ? ` ${refusal.code}` : ''}`,
      refusal.errors,
    );
  }

  /** What an attempt came to: the stored answer, or, while upstream has not decided, a fresh read of it. */
  private async settle(attempt: Attempt): Promise<AcquirerResult> {
    if (attempt.result) return attempt.result;
    if (!attempt.upstreamId) {
      throw new OutcomeUnknownError(
        attempt.reference,
        attempt.operation,
        'no answer from upstream; awaiting its notification',
      );
    }
    const response = await this.client.get(`/transaction/${attempt.upstreamId}`);
    const transaction = response.status === 200 ? transactionOf(response.body) : undefined;
    if (!transaction) throw new UpstreamNoAnswerError(`reading the transaction: HTTP ${response.status}`);
    const capture = attempt.serviceId !== this.config.preauthServiceId || attempt.operation !== 'authorize';
    return this.conclude(attempt.reference, attempt.operation, attempt.upstreamId, transaction, capture);
  }

  private async conclude(
    reference: string,
    operation: AcquirerOperation,
    upstreamId: string,
    transaction: UpstreamTransaction,
    capture: boolean,
  ): Promise<AcquirerResult> {
    const result = outcomeOfStatus(operation, transaction.status, transaction.statusCode, capture);
    if (!result) throw new OutcomeUnknownError(reference, operation, `upstream status ${transaction.status}`);
    if (operation === 'authorize' && result.outcome === 'approved' && transaction.firstTransactionId) {
      result.networkTxnId = transaction.firstTransactionId;
    }
    return this.book.answer(reference, operation, upstreamId, result, this.nowMs());
  }

  private nowMs(): number {
    return this.now().getTime();
  }
}
