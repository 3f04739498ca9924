import { maskPan } from '../domain/card.js';
import { newId } from '../domain/ids.js';
import type { Logger } from '../domain/log-port.js';
import { loggableUrl } from '../domain/loggable-url.js';
import { maskCardNumbersInJson } from '../domain/mask-card-numbers.js';
import type { RequestLogRow } from '../storage/request-log-repo.js';

export type { RequestLogRow };
import type { PaymentsDeps } from './deps.js';

/** What the HTTP layer hands over per answered merchant request; nothing is masked or serialised yet. */
export interface LoggedRequest {
  merchantId: string;
  at: number;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  body: unknown;
  response: string | null;
}

/** Kept per merchant: the dashboard shows the newest ones. */
export const REQUEST_LOG_KEEP = 200;
/** Longer bodies are cut: the log is for reading, not for replaying. */
const MAX_BODY = 8192;
const FLUSH_MS = 250;
/** Past this many waiting entries (the database is down), new ones are dropped rather than held in memory. */
const MAX_PENDING = 2000;

const SECRET_FIELD = /^(cvv|cvc|cvv2|cvc2|securitycode)$/i;

/**
 * The CVV never reaches the log, whatever its nesting (`card.cvv`), and a card's `number` shows as its masked
 * form whatever was typed into it (a number the validation refused may not look like one to the masking).
 */
export function withoutCardSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCardSecrets);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !SECRET_FIELD.test(k))
        .map(([k, v]) => [
          k,
          k === 'number' && typeof v !== 'object' ? maskedNumberField(v) : withoutCardSecrets(v),
        ]),
    );
  }
  return value;
}

function maskedNumberField(value: unknown): string {
  const digits = String(value).replace(/[^0-9]/g, '');
  return digits.length >= 4 ? maskPan(digits) : '****';
}

function cut(text: string): string {
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}…` : text;
}

/** The stored form: CVV fields dropped, every card number masked, long bodies cut. */
export function maskedEntry(e: LoggedRequest): RequestLogRow {
  const body = e.body === undefined || e.body === null ? null : JSON.stringify(withoutCardSecrets(e.body));
  return {
    id: newId(),
    merchantId: e.merchantId,
    at: e.at,
    method: e.method,
    // A card number, or a security code, could sit in a query string too.
    path: loggableUrl(e.path),
    status: e.status,
    durationMs: e.durationMs,
    requestBody: body === null ? null : cut(maskCardNumbersInJson(body)),
    responseBody: e.response === null ? null : cut(maskCardNumbersInJson(e.response)),
  };
}

/**
 * The merchants' request log, written off the request path: a request only appends to a buffer; masking and
 * the database write happen in batches (every 250 ms), then each merchant is trimmed to its newest
 * {@link REQUEST_LOG_KEEP}. A merchant's older entries of a batch are dropped before they are masked or written,
 * since the trim would delete them at once: a busy merchant costs at most that many a batch. A diagnostic, not a
 * record: entries still buffered when the process dies are lost, and while the database is down new ones are
 * dropped past a bound.
 */
export class RequestLogWriter {
  private pending = new Map<string, LoggedRequest[]>();
  private pendingCount = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: Pick<PaymentsDeps, 'storage'>,
    private readonly log: Pick<Logger, 'warn'>,
  ) {}

  record(entry: LoggedRequest): void {
    let entries = this.pending.get(entry.merchantId);
    if (!entries) {
      if (this.pendingCount >= MAX_PENDING) return;
      entries = [];
      this.pending.set(entry.merchantId, entries);
    }
    entries.push(entry);
    // Past the newest KEEP, the oldest of this merchant's goes: the trim after the write would delete it.
    if (entries.length > REQUEST_LOG_KEEP) entries.shift();
    else if (++this.pendingCount > MAX_PENDING) {
      entries.pop();
      this.pendingCount--;
      return;
    }
    this.flushSoon(FLUSH_MS);
  }

  private flushSoon(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
    this.timer.unref();
  }

  /** Writes what is buffered; resolves once written (or given up on). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const batch = [...this.pending.values()].flat();
      if (batch.length === 0) return;
      this.pending = new Map();
      this.pendingCount = 0;
      try {
        const rows = batch.map(maskedEntry);
        // One database transaction: on SQLite it joins the payments' group commit instead of syncing on its own.
        await this.deps.storage.transaction((repos) => repos.requestLog.append(rows, REQUEST_LOG_KEEP));
      } catch (err) {
        this.log.warn({ err, dropped: batch.length }, 'request log: batch not written');
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}

/** The newest requests of a merchant (null: every merchant's), masked as stored. */
export async function latestRequests(
  deps: PaymentsDeps,
  merchantId: string | null,
  limit = REQUEST_LOG_KEEP,
): Promise<RequestLogRow[]> {
  return deps.storage.repos.requestLog.latest(merchantId, Math.min(limit, REQUEST_LOG_KEEP));
}
