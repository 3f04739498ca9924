import type { AcquirerOperation, AcquirerResult } from '../acquirer.js';

/** An upstream transaction's status (imoje-api.md §3.6). */
export type UpstreamStatus =
  'new' | 'pending' | 'authorized' | 'settled' | 'rejected' | 'cancelled' | 'error';

/**
 * Upstream's answer to one operation → Kartoteka's outcome, or `undefined` while upstream has not decided
 * (`new`, `pending`): the outcome then comes from upstream's notification or a later read, never a guess.
 *
 * | operation          | upstream status         | outcome  | code                       |
 * |--------------------|-------------------------|----------|----------------------------|
 * | authorize (sale)   | settled                 | approved | statusCode (CODE_000)      |
 * | authorize (hold)   | authorized              | approved | statusCode (CODE_000)      |
 * | authorize          | rejected                | declined | statusCode (CODE_05, …)    |
 * | authorize          | error                   | error    | statusCode (CODE_99, …)    |
 * | capture            | settled                 | approved | CODE_000                   |
 * | void               | cancelled               | approved | CODE_000                   |
 * | capture, void      | authorized              | —        | (unknown: awaits upstream) |
 * | refund             | settled                 | approved | CODE_000                   |
 * | refund             | rejected / error        | declined | statusCode or CODE_13      |
 * | any                | new / pending           | —        | (unknown: awaits upstream) |
 */
export function outcomeOfStatus(
  operation: AcquirerOperation,
  status: string,
  statusCode: string | undefined,
  capture = true,
): AcquirerResult | undefined {
  if (status === 'new' || status === 'pending') return undefined;
  const approved = (code = 'CODE_000'): AcquirerResult => ({ outcome: 'approved', code });
  switch (operation) {
    case 'authorize':
      if (status === 'settled' && capture) return approved(statusCode);
      if (status === 'authorized' && !capture) return approved(statusCode);
      if (status === 'rejected') return { outcome: 'declined', code: statusCode ?? 'CODE_05' };
      if (status === 'error') return { outcome: 'error', code: statusCode ?? 'CODE_99' };
      return undefined;
    // Upstream refuses a capture or void it won't do with a 4xx (outcomeOfRefusal). A 200 whose sale is still
    // `authorized` means it took the request and has not finished it — an upstream whose own acquirer is slow
    // answers so (a Kartoteka upstream does) and captures a moment later. Reading that as a decline released
    // the hold on this side while upstream took the money; it is unknown until upstream says settled/cancelled.
    case 'capture':
      if (status === 'authorized') return undefined;
      return status === 'settled' ? approved() : { outcome: 'declined', code: 'CODE_12' };
    case 'void':
      if (status === 'authorized') return undefined;
      return status === 'cancelled' ? approved() : { outcome: 'declined', code: 'CODE_12' };
    case 'refund':
      return status === 'settled' ? approved() : { outcome: 'declined', code: statusCode ?? 'CODE_13' };
  }
}

/**
 * Upstream refused the request with a 4xx: nothing was done upstream, so the operation has a final answer.
 * A follow-up upstream won't do (refund over the balance, capture of what isn't held) is a decline; a
 * payment upstream refused to take (its validation, a first transaction it doesn't know) is an error.
 */
export function outcomeOfRefusal(operation: AcquirerOperation, status: number): AcquirerResult {
  if (operation === 'refund') return { outcome: 'declined', code: 'CODE_13' };
  if (operation === 'capture' || operation === 'void') return { outcome: 'declined', code: 'CODE_12' };
  // 400 on a payment is a business rule (e.g. STANDARD quoting an unknown first transaction): a soft decline.
  return status === 400 ? { outcome: 'declined', code: 'CODE_SD' } : { outcome: 'error', code: 'CODE_99' };
}

/** An upstream 4xx, as its `apiErrorResponse` tells it (messages already masked). */
export interface UpstreamRefusal {
  status: number;
  code: string | undefined;
  message: string;
  errors: Array<{ property: string; message: string }>;
}

/**
 * Whose fault an upstream 4xx is, or `undefined` for a business refusal that is the operation's outcome:
 *
 * | upstream answer                          | fault       | shop gets (payment)                          |
 * |------------------------------------------|-------------|----------------------------------------------|
 * | 422, or 400 naming fields (`errors`)     | `request`   | 400 `TRX-ERROR-190400` with upstream's fields |
 * | 400 without fields (a business rule)     | —           | the payment, `rejected` `CODE_SD`            |
 * | 401, 403, 404, 405, 409, any other 4xx   | `processor` | 503 `TRX-ERROR-191503` (the operator's)      |
 * | 429                                      | (not sent)  | 503 `TRX-ERROR-190503`, may be retried       |
 *
 * A follow-up (refund, capture, void) refused for the request is the refusal it always was (a decline); one
 * refused for the set-up is recorded as an error and logged for the operator.
 */
export function faultOfRefusal(
  operation: AcquirerOperation,
  refusal: UpstreamRefusal,
): 'request' | 'processor' | undefined {
  if (refusal.status === 422 || (refusal.status === 400 && refusal.errors.length > 0)) {
    return operation === 'authorize' ? 'request' : undefined;
  }
  if (refusal.status === 400) return undefined;
  return 'processor';
}
