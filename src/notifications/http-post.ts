import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Target } from './url-guard.js';

export interface PostResult {
  /** The status the receiver answered, or null when there was no answer (refused, timed out, …). */
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  /** The start of the receiver's answer body (UTF-8, at most EXCERPT_BYTES), when it answered. */
  responseExcerpt?: string | null;
}

/** How much of a receiver's answer is kept for the notification's attempt log. */
export const EXCERPT_BYTES = 1024;

/** Resolves to the already checked address only, whatever the hostname resolves to by now. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/**
 * One POST. Redirects are not followed (a 3xx is a plain answer, and not a 2xx); the whole exchange must
 * finish within `timeoutMs`. A fresh connection each time: no pooled socket outlives the address check.
 */
export function postOnce(
  target: Target,
  body: Buffer,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<PostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, durationMs: elapsed() });
    };
    const options: http.RequestOptions = {
      method: 'POST',
      headers: { ...headers, 'Content-Length': String(body.length), Connection: 'close' },
      agent: false,
    };
    if (target.address && target.family) options.lookup = pinnedLookup(target.address, target.family);
    const send = target.url.protocol === 'https:' ? https.request : http.request;
    let answered: number | null = null;
    const chunks: Buffer[] = [];
    let kept = 0;
    const excerpt = () => Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
    const req = send(target.url, options, (res) => {
      // The status is the answer; the start of the body is kept for the attempt log, the rest drained so
      // the connection closes cleanly, within the deadline. A body that never ends doesn't undo the status.
      answered = res.statusCode ?? null;
      res.on('data', (chunk: Buffer) => {
        if (kept >= EXCERPT_BYTES) return;
        chunks.push(chunk);
        kept += chunk.length;
        if (kept >= EXCERPT_BYTES) finish({ httpStatus: answered, error: null, responseExcerpt: excerpt() });
      });
      res.on('error', () => finish({ httpStatus: answered, error: null, responseExcerpt: excerpt() }));
      res.on('end', () => {
        clearTimeout(timer);
        finish({ httpStatus: answered, error: null, responseExcerpt: excerpt() });
      });
    });
    const timer = setTimeout(() => {
      if (answered !== null) finish({ httpStatus: answered, error: null, responseExcerpt: excerpt() });
      else finish({ httpStatus: null, error: `timed out after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    timer.unref?.();
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (answered !== null) return finish({ httpStatus: answered, error: null, responseExcerpt: excerpt() });
      finish({ httpStatus: null, error: err.code ? `${err.code}: ${err.message}` : err.message });
    });
    req.on('close', () => {
      clearTimeout(timer);
      if (answered !== null) finish({ httpStatus: answered, error: null, responseExcerpt: excerpt() });
    });
    req.end(body);
  });
}
