import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../domain/log-port.js';
import type { ClearCard } from '../../vault/vault.js';
import type {
  Acquirer,
  AcquirerOperation,
  AcquirerResult,
  AuthorizeRequest,
  FollowUpRequest,
  NotificationVerdict,
  RefundRequest,
  ThreeDSecureDecision,
} from '../acquirer.js';
import type { Attempt, AttemptBook } from './attempts.js';
import { outcomeOfRefusal, outcomeOfStatus } from './codes.js';
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

  async authorize(request: AuthorizeRequest): Promise<AcquirerResult> {
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
    return this.ask(ask, `/transaction/${sale.upstreamId}/${operation}`, {}, true, sale.upstreamId);
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
    return this.ask(ask, `/transaction/${sale.upstreamId}/refund`, body, true);
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
  ): Promise<AcquirerResult> {
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
  ): Promise<AcquirerResult> {
    const { reference, operation } = ask;
    if (response.status >= 400 && response.status < 500) {
      // Upstream refused the request: it did nothing, so this is a final answer.
      const code = (response.body as { apiErrorResponse?: { code?: string } } | undefined)?.apiErrorResponse
        ?.code;
      this.log.warn(
        { reference, operation, status: response.status, upstreamCode: code },
        'imoje refused the request',
      );
      return this.book.answer(
        reference,
        operation,
        null,
        outcomeOfRefusal(operation, response.status),
        this.nowMs(),
      );
    }
    const transaction = response.status === 200 ? transactionOf(response.body) : undefined;
    if (!transaction) {
      throw new UpstreamNoAnswerError(`HTTP ${response.status} without a transaction`);
    }
    const upstreamId = knownUpstreamId ?? transaction.id;
    await this.book.identify(reference, operation, upstreamId);
    if ((response.body as { action?: unknown }).action) {
      // The 3-D Secure challenge upstream asks for is not relayed to the payer yet: the payment is refused
      // here, and the upstream transaction, whose challenge nobody can reach, never completes.
      this.log.warn(
        { reference },
        'imoje asked for a 3-D Secure challenge, which this connector does not relay yet',
      );
      return this.book.answer(
        reference,
        operation,
        upstreamId,
        { outcome: 'declined', code: 'CODE_570' },
        this.nowMs(),
      );
    }
    return this.conclude(ask.reference, operation, upstreamId, transaction, capture);
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
