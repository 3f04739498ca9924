import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isExpired } from '../../domain/card.js';
import type { ClearCard } from '../../vault/vault.js';
import type {
  Acquirer,
  AcquirerOperation,
  AcquirerResult,
  AuthorizeRequest,
  FollowUpRequest,
  RefundRequest,
  ThreeDSecureDecision,
} from '../acquirer.js';
import type { LedgerEntry, SandboxLedger } from './ledger.js';
import { declineCode, latencyForMasked, testCardFor, type TestCard } from './codes.js';

export interface SandboxOptions {
  /** How long the slow test card thinks before it decides and answers. */
  slowMs: number;
}

/** What a real acquirer does with a request past its expiry: refuses it, and records nothing. */
export class RequestExpiredError extends Error {
  constructor(reference: string) {
    super(`sandbox acquirer: the request for ${reference} arrived after its deadline`);
    this.name = 'RequestExpiredError';
  }
}

function networkTxnId(): string {
  // Visa-style 15-digit transaction identifier; opaque to the gateway.
  let id = String(randomInt(1, 10));
  for (let i = 0; i < 14; i++) id += String(randomInt(0, 10));
  return id;
}

function toResult(entry: LedgerEntry): AcquirerResult {
  const result: AcquirerResult = {
    outcome: entry.outcome,
    code: entry.code,
    networkTxnId: entry.networkTxnId ?? undefined,
  };
  if (entry.merchantAdvice) result.merchantAdvice = entry.merchantAdvice;
  return result;
}

/**
 * The simulated card network of imoje-api.md §9. Behaves like a real acquirer from the gateway's point of
 * view: decisions come from the card number, every operation is idempotent by reference, and its ledger is
 * its own.
 */
export class SandboxAcquirer implements Acquirer {
  readonly name = 'sandbox';
  readonly simulatedChallenge: boolean = true;

  constructor(
    private readonly ledger: SandboxLedger,
    private readonly now: () => Date,
    private readonly options: SandboxOptions = { slowMs: 35_000 },
  ) {}

  /**
   * Runs one money-moving operation the way the card's latency says, and keeps the contract of
   * `AuthorizeRequest.deadline`: nothing is recorded once the request's deadline has passed.
   */
  private async operate(
    latency: TestCard['latency'],
    request: { reference: string; deadline?: number | undefined },
    record: () => Promise<LedgerEntry>,
  ): Promise<AcquirerResult> {
    // Unref'd: a slow answer nobody waits for any more must not keep the process alive.
    if (latency === 'slow') await sleep(this.options.slowMs, undefined, { ref: false });
    // The hanging card acts late, halfway to the deadline, after a gateway that waits less has given up.
    if (latency === 'hang' && request.deadline !== undefined) {
      const ms = Math.max(0, (request.deadline - this.now().getTime()) / 2);
      await sleep(ms, undefined, { ref: false });
    }
    if (request.deadline !== undefined && this.now().getTime() > request.deadline) {
      throw new RequestExpiredError(request.reference);
    }
    const entry = await record();
    if (latency === 'hang') return new Promise<never>(() => undefined);
    return toResult(entry);
  }

  async threeDSecure(card: ClearCard): Promise<ThreeDSecureDecision> {
    return testCardFor(card.pan.reveal()).threeDSecure;
  }

  async authorize(request: AuthorizeRequest): Promise<AcquirerResult> {
    // A reference seen before keeps its first entry: `record` inserts only when there is none and returns
    // whichever is stored, so a repeated reference never charges twice.
    const latency = testCardFor(request.card.pan.reveal()).latency;
    return this.operate(latency, request, async () =>
      this.ledger.record(this.decideAuthorization(request, await this.earlierLaterPayments(request))),
    );
  }

  /** For the decline-twice card only: how many later payments of this stored credential came before. */
  private async earlierLaterPayments(request: AuthorizeRequest): Promise<number> {
    const card = testCardFor(request.card.pan.reveal());
    if (card.declinesBeforeSuccess === undefined || request.storedCredential !== 'subsequent') return 0;
    if (!request.quotedNetworkTxnId) return 0;
    return this.ledger.countQuoting(request.quotedNetworkTxnId);
  }

  private decideAuthorization(request: AuthorizeRequest, earlier: number): LedgerEntry {
    const pan = request.card.pan.reveal();
    const behaviour = testCardFor(pan);
    const later = request.storedCredential === 'subsequent';
    let outcome = later ? behaviour.later : behaviour.first;
    if (later && behaviour.declinesBeforeSuccess !== undefined && earlier < behaviour.declinesBeforeSuccess) {
      outcome = 'declined';
    }
    let code =
      outcome === 'approved'
        ? 'CODE_000'
        : outcome === 'error'
          ? 'CODE_99'
          : later && behaviour.laterCode
            ? behaviour.laterCode
            : declineCode(request.amount);
    let merchantAdvice = outcome === 'declined' && later ? (behaviour.merchantAdvice ?? null) : null;
    if (outcome === 'approved' && isExpired(request.card, this.now())) {
      outcome = 'declined';
      code = 'CODE_54';
      merchantAdvice = null;
    }
    if (outcome === 'approved' && later && request.initiator === 'MIT' && !request.quotedNetworkTxnId) {
      // A merchant-initiated payment must quote the first payment; networks refuse it otherwise.
      outcome = 'declined';
      code = 'CODE_SD';
    }
    return {
      reference: request.reference,
      operation: 'authorize',
      saleReference: null,
      amount: request.amount,
      currency: request.currency,
      maskedPan: request.card.masked,
      initiator: request.initiator,
      storedCredential: request.storedCredential,
      quotedNetworkTxnId: request.quotedNetworkTxnId ?? null,
      threeDs: request.threeDSecure ?? null,
      captured: outcome === 'approved' && request.capture,
      outcome,
      code,
      networkTxnId: outcome === 'approved' ? networkTxnId() : null,
      merchantAdvice,
      createdAt: this.now().getTime(),
    };
  }

  async capture(request: FollowUpRequest): Promise<AcquirerResult> {
    return this.followUp('capture', request);
  }

  async void(request: FollowUpRequest): Promise<AcquirerResult> {
    return this.followUp('void', request);
  }

  private async followUp(operation: 'capture' | 'void', request: FollowUpRequest): Promise<AcquirerResult> {
    const existing = await this.ledger.find(request.reference, operation);
    if (existing) return toResult(existing);
    const first = await this.ledger.find(request.reference, 'authorize');
    return this.operate(latencyForMasked(first?.maskedPan ?? null), request, async () => {
      const auth = await this.ledger.find(request.reference, 'authorize');
      // A hold ends once: a voided one can't be captured after all (the conformance suite found that it could).
      const ended = await this.ledger.find(request.reference, operation === 'capture' ? 'void' : 'capture');
      const open =
        auth !== undefined && auth.outcome === 'approved' && !auth.captured && ended?.outcome !== 'approved';
      // A capture takes at most the hold, and ends it: what it leaves of the hold is released, never taken later.
      const fits = operation === 'void' || (request.amount > 0 && request.amount <= (auth?.amount ?? 0));
      const entry = this.followUpEntry(operation, request, auth, open && fits);
      return this.ledger.record(open && !fits ? { ...entry, code: 'CODE_13' } : entry);
    });
  }

  private followUpEntry(
    operation: 'capture' | 'void',
    request: FollowUpRequest,
    auth: LedgerEntry | undefined,
    ok: boolean,
  ): LedgerEntry {
    return {
      reference: request.reference,
      operation,
      saleReference: request.reference,
      amount: request.amount,
      currency: request.currency,
      maskedPan: auth?.maskedPan ?? null,
      initiator: null,
      storedCredential: null,
      quotedNetworkTxnId: null,
      threeDs: null,
      captured: operation === 'capture' && ok,
      outcome: ok ? 'approved' : 'declined',
      code: ok ? 'CODE_000' : 'CODE_12',
      networkTxnId: null,
      merchantAdvice: null,
      createdAt: this.now().getTime(),
    };
  }

  async refund(request: RefundRequest): Promise<AcquirerResult> {
    const existing = await this.ledger.find(request.reference, 'refund');
    if (existing) return toResult(existing);
    const sale = await this.ledger.find(request.saleReference, 'authorize');
    return this.operate(latencyForMasked(sale?.maskedPan ?? null), request, () => this.recordRefund(request));
  }

  private async recordRefund(request: RefundRequest): Promise<LedgerEntry> {
    const charged = await this.chargedAmount(request.saleReference);
    const entry: LedgerEntry = {
      reference: request.reference,
      operation: 'refund',
      saleReference: request.saleReference,
      amount: request.amount,
      currency: request.currency,
      maskedPan: null,
      initiator: null,
      storedCredential: null,
      quotedNetworkTxnId: null,
      threeDs: null,
      captured: false,
      outcome: 'approved',
      code: 'CODE_000',
      networkTxnId: null,
      merchantAdvice: null,
      createdAt: this.now().getTime(),
    };
    return this.ledger.recordRefund(entry, charged);
  }

  /**
   * What was actually taken from the card: what a capture of the pre-authorisation took (perhaps less than the
   * hold), or else a payment captured when authorised. The capture comes first because recording it marks the
   * authorisation `captured` too, which would otherwise count the whole hold.
   */
  private async chargedAmount(saleReference: string): Promise<number> {
    const auth = await this.ledger.find(saleReference, 'authorize');
    if (!auth || auth.outcome !== 'approved') return 0;
    const capture = await this.ledger.find(saleReference, 'capture');
    if (capture?.outcome === 'approved') return capture.amount;
    return auth.captured ? auth.amount : 0;
  }

  async lookup(reference: string, operation: AcquirerOperation): Promise<AcquirerResult | undefined> {
    const entry = await this.ledger.find(reference, operation);
    return entry ? toResult(entry) : undefined;
  }
}
