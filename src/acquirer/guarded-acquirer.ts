import type { Logger } from '../domain/log-port.js';
import type { ClearCard } from '../vault/vault.js';
import type {
  Acquirer,
  AcquirerChallenge,
  AcquirerOperation,
  AcquirerResult,
  AuthorizeRequest,
  FollowUpRequest,
  NotificationVerdict,
  RefundRequest,
  ThreeDSecureDecision,
} from './acquirer.js';

export type AcquirerCall = AcquirerOperation | 'lookup' | 'threeDSecure' | 'notification';

/**
 * An acquirer call that ended without an answer. `timeout`: the gateway stopped waiting, so the acquirer may
 * still have acted (until the request's deadline); `failure`: the connector threw (network error, malformed
 * answer). Either way the outcome is unknown, never a decline.
 */
export class AcquirerCallError extends Error {
  constructor(
    readonly kind: 'timeout' | 'failure',
    readonly call: AcquirerCall,
    readonly latencyMs: number,
    cause?: unknown,
  ) {
    super(
      kind === 'timeout'
        ? `acquirer ${call} timed out after ${latencyMs} ms`
        : `acquirer ${call} failed after ${latencyMs} ms`,
      { cause },
    );
    this.name = 'AcquirerCallError';
  }
}

/** How a call ended: the answer's outcome, the 3-D Secure decision, a lookup's finding, or how it failed. */
export type AcquirerCallOutcome =
  AcquirerResult['outcome'] | ThreeDSecureDecision | 'found' | 'not_found' | AcquirerCallError['kind'];

/** Where every call's latency and outcome is recorded (the gateway's metrics). */
export interface AcquirerCallRecorder {
  acquirerCall(connector: string, call: AcquirerCall, outcome: AcquirerCallOutcome, latencyMs: number): void;
}

export interface GuardOptions {
  /** The longest one call may take; the configuration keeps it below the Idempotency-Key lease. */
  timeoutMs: number;
  log: Logger;
  now: () => number;
  metrics?: AcquirerCallRecorder;
}

function outcomeOf(result: unknown): AcquirerCallOutcome {
  if (result === undefined) return 'not_found';
  if (typeof result === 'string') return result as ThreeDSecureDecision;
  return (result as AcquirerResult | AcquirerChallenge).outcome ?? 'found';
}

/**
 * The one seam every acquirer call goes through, whatever the connector: a timeout per call, latency, the
 * timeout/failure classification, and a log line that names the reference and at most the masked card. A
 * connector only translates; it need not time itself out or log.
 */
export class GuardedAcquirer implements Acquirer {
  readonly name: string;
  readonly simulatedChallenge: boolean;
  readonly notification?: (body: Buffer, signature: string | undefined) => Promise<NotificationVerdict>;

  constructor(
    private readonly inner: Acquirer,
    private readonly options: GuardOptions,
  ) {
    this.name = inner.name;
    this.simulatedChallenge = inner.simulatedChallenge;
    // Present only when the connector has it: the gateway serves a notification endpoint for such a one alone.
    if (inner.notification) {
      const receive = inner.notification.bind(inner);
      this.notification = (body, signature) =>
        this.guard('notification', {}, undefined, () => receive(body, signature));
    }
  }

  threeDSecure(card: ClearCard): Promise<ThreeDSecureDecision> {
    return this.guard('threeDSecure', { masked: card.masked }, undefined, () =>
      this.inner.threeDSecure(card),
    );
  }

  authorize(request: AuthorizeRequest): Promise<AcquirerResult | AcquirerChallenge> {
    const context = { reference: request.reference, masked: request.card.masked };
    return this.guard('authorize', context, request.deadline, () => this.inner.authorize(request));
  }

  capture(request: FollowUpRequest): Promise<AcquirerResult> {
    return this.guard('capture', { reference: request.reference }, request.deadline, () =>
      this.inner.capture(request),
    );
  }

  void(request: FollowUpRequest): Promise<AcquirerResult> {
    return this.guard('void', { reference: request.reference }, request.deadline, () =>
      this.inner.void(request),
    );
  }

  refund(request: RefundRequest): Promise<AcquirerResult> {
    return this.guard('refund', { reference: request.reference }, request.deadline, () =>
      this.inner.refund(request),
    );
  }

  lookup(reference: string, operation: AcquirerOperation): Promise<AcquirerResult | undefined> {
    return this.guard('lookup', { reference, operation }, undefined, () =>
      this.inner.lookup(reference, operation),
    );
  }

  private async guard<T>(
    call: AcquirerCall,
    context: Record<string, string>,
    deadline: number | undefined,
    work: () => Promise<T>,
  ): Promise<T> {
    const started = this.options.now();
    // Never wait past the request's own expiry: after it the acquirer won't act on it anyway.
    const waitMs = Math.max(
      0,
      Math.min(this.options.timeoutMs, deadline === undefined ? Infinity : deadline - started),
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AcquirerCallError('timeout', call, this.options.now() - started)),
        waitMs,
      );
    });
    try {
      const result = await Promise.race([work(), timedOut]);
      const latencyMs = this.options.now() - started;
      this.options.metrics?.acquirerCall(this.name, call, outcomeOf(result), latencyMs);
      // A call that used up half its time is a warning sign before it becomes a timeout.
      if (latencyMs > this.options.timeoutMs / 2) {
        this.options.log.warn({ ...context, call, latencyMs }, `acquirer ${call} was slow`);
      }
      return result;
    } catch (err) {
      const error =
        err instanceof AcquirerCallError
          ? err
          : new AcquirerCallError('failure', call, this.options.now() - started, err);
      this.options.metrics?.acquirerCall(this.name, call, error.kind, error.latencyMs);
      this.options.log.warn(
        { ...context, call, kind: error.kind, latencyMs: error.latencyMs, err: describe(err) },
        `acquirer ${call} ${error.kind === 'timeout' ? 'timed out' : 'failed'}`,
      );
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Only the error's class and message go to the log: a connector's error object may carry the request it
 * failed on, card number included.
 */
function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown';
}
