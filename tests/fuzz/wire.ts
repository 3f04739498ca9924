import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { ERROR_CATALOG } from '../../src/domain/error-catalog.js';

/** A request exactly as it goes on the wire: the path is not normalised (`../`, `%00` and bytes ≥ 0x80 stay). */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
  /** Card numbers the body carries (digits only, and as sent): none may come back unmasked. */
  pans: string[];
  /** The request is valid as a whole: it must succeed. */
  mustSucceed?: boolean;
}

export interface FuzzResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** The longest a request may take before it counts as a hang. */
export const HANG_MS = 10_000;

/** One request on a fresh connection (no keep-alive, so one poisoned connection cannot hide another bug). */
export function send(origin: string, req: FuzzRequest, timeoutMs = HANG_MS): Promise<FuzzResponse> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const r = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: req.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done(() =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          ),
        );
        res.on('error', (err) => done(() => reject(err)));
      },
    );
    const timer = setTimeout(() => {
      done(() => reject(new Error(`hang: no complete answer within ${timeoutMs} ms`)));
      r.destroy();
    }, timeoutMs);
    r.on('error', (err) => done(() => reject(err)));
    r.end(req.body);
  });
}

const PAGE_PREFIXES = ['/3ds/', '/widget/', '/js/', '/demo', '/docs', '/paywall/', '/assets/', '/dashboard'];
/** Browser pages at an exact path: the landing page and imoje's paywall form (GET or POST `/payment`). */
const PAGE_PATHS = ['/', '/payment'];
/** imoje answers these with a top-level JSON array, as Kartoteka must for the clients that read them. */
const ARRAY_ANSWERS = [/\/services$/, /\/get-payment-methods$/];
const CODES = new Map<string, number>(Object.values(ERROR_CATALOG).map((e) => [e.code, e.status]));

function pathOf(req: FuzzRequest): string {
  return req.path.split('?')[0] ?? '';
}

export function isPage(req: FuzzRequest): boolean {
  const path = pathOf(req);
  // The router ignores one trailing slash, so `/payment/` is the paywall form too.
  if (PAGE_PATHS.includes(path) || PAGE_PATHS.includes(path.replace(/\/$/, ''))) return true;
  return PAGE_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p));
}

/** The imoje error envelope (imoje-api.md §2), with a code from the catalog and that code's status. */
export function envelopeProblem(status: number, text: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'error body is not JSON';
  }
  const e = (body as { apiErrorResponse?: Record<string, unknown> } | null)?.apiErrorResponse;
  if (!e || typeof e !== 'object') return 'no apiErrorResponse';
  if (typeof e.code !== 'string' || !/^[A-Z]{3}-ERROR-[0-9]{6}$/.test(e.code))
    return `bad code ${String(e.code)}`;
  if (typeof e.message !== 'string' || e.message === '') return 'bad message';
  if (!('instance' in e)) return 'no instance';
  if (!Array.isArray(e.errors)) return 'errors is not an array';
  for (const x of e.errors as unknown[]) {
    const f = x as { property?: unknown; message?: unknown };
    if (typeof f?.property !== 'string' || typeof f.message !== 'string')
      return 'errors[] entry without property/message';
  }
  const expected = CODES.get(e.code);
  if (expected === undefined) return `code ${e.code} is not in the catalog`;
  if (expected !== status) return `code ${e.code} is a ${expected}, answered with ${status}`;
  return null;
}

/**
 * The property every answer must have: a 4xx with the error envelope (HTML for the browser pages), or a success;
 * never a 5xx; never a card number from the request unmasked. Returns what is wrong, or null.
 */
export function answerProblem(req: FuzzRequest, res: FuzzResponse): string | null {
  const { status } = res;
  if (status >= 500) return `server error ${status}: ${res.text.slice(0, 300)}`;
  if (status < 200) return `status ${status}`;
  const page = isPage(req);
  const type = String(res.headers['content-type'] ?? '');
  const json = /^application\/json/i.test(type);
  const html = /^text\/html/i.test(type);

  if (status >= 300) {
    // A success may carry the merchant's own orderId/title, which may well be a Luhn-valid number; the demo shop
    // lists the sandbox's test cards. Errors and redirects never echo a card number, not even spaced or dashed.
    const text = digitsJoined(res.text);
    for (const pan of req.pans) {
      if (pan && text.includes(pan))
        return `card number ${pan} echoed unmasked (${status}): ${res.text.slice(0, 300)}`;
    }
  }
  if (req.method === 'HEAD') return null;
  // A merchant-initiated debit of a card the fuzz has declined again and again is refused before the acquirer
  // (the card schemes' reattempt limits, RCR-ERROR-2104xx, 409 while another reattempt of the card is with the
  // acquirer): a right answer that depends on the card's history.
  const reattemptRefused = (status === 400 || status === 409) && /"code":"RCR-ERROR-2104\d\d"/.test(res.text);
  if (req.mustSucceed && status !== 200 && !reattemptRefused)
    return `a valid request failed with ${status}: ${res.text.slice(0, 500)}`;
  if (status >= 400) {
    if (json) return envelopeProblem(status, res.text);
    if (page && html) return null;
    return `${status} without the error envelope (content-type ${type}): ${res.text.slice(0, 200)}`;
  }
  if (status >= 300) {
    if (page && res.headers.location) return null;
    return `unexpected redirect ${status} to ${String(res.headers.location)}`;
  }
  if (page) return null;
  if (!json) return `success without JSON (content-type ${type})`;
  try {
    const body = JSON.parse(res.text) as unknown;
    if (Array.isArray(body) && ARRAY_ANSWERS.some((r) => r.test(pathOf(req)))) return null;
    if (!body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length === 0)
      return 'success body is not a non-empty JSON object';
  } catch {
    return 'success body is not valid JSON';
  }
  return null;
}

/** The text with the separators between digits removed, so a card number echoed spaced or dashed is found. */
export function digitsJoined(text: string): string {
  return text.replace(/(?<=[0-9])(?:[\s+-]|%20|%2D)+(?=[0-9])/gi, '');
}

/** Percent-encodes every byte of the UTF-8 form (lone surrogates become U+FFFD, as a browser would send). */
export function encodeAll(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => '%' + b.toString(16).padStart(2, '0').toUpperCase()).join('');
}

/** Encodes like encodeURIComponent but never throws on lone surrogates. */
export function encodeSafe(s: string): string {
  return Buffer.from(s, 'utf8')
    .toString('utf8')
    .replace(/[^A-Za-z0-9\-_.~]/gu, (c) => encodeAll(c));
}

export function describeRequest(req: FuzzRequest): string {
  const body = req.body ? req.body.toString('utf8') : '';
  return `${req.method} ${req.path.length > 300 ? req.path.slice(0, 300) + '…' : req.path}\nheaders: ${JSON.stringify(
    req.headers,
    (_k, v: unknown) => (typeof v === 'string' && v.length > 200 ? v.slice(0, 200) + '…' : v),
  )}\nbody (${req.body?.length ?? 0} bytes): ${body.length > 600 ? body.slice(0, 600) + '…' : body}`;
}
