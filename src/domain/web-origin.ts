/** A serialised web origin as browsers send it (`Origin`, `location.origin`): IDN hosts come punycoded. */
const WEB_ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * Only a bare scheme://host[:port] may go into a page's Content-Security-Policy (frame-ancestors) or be a
 * postMessage target: a URL host may legally hold `;`, `'` or `*`, which in a policy would add directives
 * (`sandbox`) or widen a source list.
 */
export function isWebOrigin(value: string): boolean {
  return WEB_ORIGIN.test(value);
}
