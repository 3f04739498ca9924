/** Visible ASCII only: what a header may carry unchanged (and what a browser sends as is). */
const HEADER_SAFE = /^[\x21-\x7e]*$/;

/**
 * A URL as a `Location` header value. The URL rules accept any non-space character, so a shop's return URL
 * may hold a Polish path or an IDN host; Node refuses such a header (a 500 after the payer has paid) and a
 * Latin-1 one reaches the browser mangled. Such a URL is written the way a browser would request it —
 * percent-encoded as UTF-8, the host punycoded; an ASCII one is sent exactly as the shop gave it.
 */
export function locationOf(url: string): string {
  if (HEADER_SAFE.test(url)) return url;
  try {
    return new URL(url).href;
  } catch {
    // Relative or unparseable: encodeURI leaves the ASCII structure alone and encodes the rest.
    return encodeURI(url);
  }
}
