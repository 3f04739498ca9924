import { escapeHtml } from '../../html/escape-html.js';
import { isWebOrigin } from '../../domain/web-origin.js';

export { escapeHtml };

/**
 * Beside the CSP, on every gateway-hosted page: never cached, never sniffed into another type, and no Referer
 * (a 3-D Secure page's address is the payment's own; the landing page shows the sandbox token).
 */
export const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
} as const;

/**
 * Gateway-hosted pages: no third-party anything, a strict CSP, readable on a phone. Framed only by
 * `frameAncestor` (an origin) or by nobody; form-action allows the redirect to the shop's return URL.
 */
export function pageCsp(frameAncestor: string | null): string {
  // Only a bare scheme://host[:port] goes into the header: anything else could add directives.
  const ancestor = frameAncestor && isWebOrigin(frameAncestor) ? frameAncestor : "'none'";
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "form-action 'self' http: https:",
    `frame-ancestors ${ancestor}`,
    "base-uri 'none'",
  ].join('; ');
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;padding:24px;color:#1d2330}
main{max-width:420px;margin:0 auto;background:#fff;border-radius:12px;padding:24px;box-shadow:0 2px 12px #0002}
h1{font-size:1.25rem;margin-top:0}dl{display:grid;grid-template-columns:auto 1fr;gap:6px 12px}dt{color:#5b6475}dd{margin:0;font-weight:600}
.actions{display:flex;gap:12px;margin-top:20px}button{flex:1;font-size:1rem;padding:12px;border-radius:8px;border:0;cursor:pointer}
.pass{background:#1a7f37;color:#fff}.fail{background:#e5e7eb;color:#1d2330}.note{color:#5b6475;font-size:.875rem}
</style></head><body><main>${body}</main></body></html>`;
}
