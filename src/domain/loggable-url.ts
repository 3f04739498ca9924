import { maskCardNumbers } from './mask-card-numbers.js';

/**
 * A query parameter naming a card's security code, however it is spelled or nested (`cvv`, `card[cvv]`,
 * `card.cvc`, `card%5Bcvv%5D`, `securityCode`): nobody needs one in a URL, but one sent there must not reach a
 * log line or the request log.
 */
const SECRET_PARAM = /(^|[?&])([^=&]*?(?:cvv2?|cvc2?|securitycode|security_code)(?:%5D|\])?)=[^&#]*/gi;

/** A URL as logs and the request log show it: security codes dropped from its query, card numbers masked. */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  const query = q < 0 ? '' : url.slice(q).replace(SECRET_PARAM, '$1$2=[redacted]');
  return maskCardNumbers(q < 0 ? url : url.slice(0, q) + query);
}
