import { escapeHtml } from '../html/escape-html.js';
import { isWebOrigin } from '../domain/web-origin.js';

export const esc = escapeHtml;

/**
 * The CSP of every page inside the widget's iframe: our own script and stylesheet only (nothing inline),
 * forms post to our own origin only, and only the shop page that opened the widget may frame it.
 */
export function frameCsp(parentOrigin: string | null, formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    // A top-level (paywall) form's redirect chain ends on the shop's return URL: form-action covers redirects.
    ["form-action 'self'", ...formTargets].join(' '),
    // Checked again here: whatever reaches the header is a bare origin, however it was recorded.
    `frame-ancestors ${parentOrigin !== null && isWebOrigin(parentOrigin) ? parentOrigin : "'none'"}`,
    "base-uri 'none'",
  ].join('; ');
}

export interface Shell {
  lang: string;
  title: string;
  /** data-* on <body>, read by form.js (values are escaped here). */
  data: Record<string, string>;
  body: string;
}

export function shell(s: Shell): string {
  const data = Object.entries(s.data)
    .map(([k, v]) => ` data-${k}="${esc(v)}"`)
    .join('');
  return `<!doctype html>
<html lang="${esc(s.lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(s.title)}</title>
<link rel="stylesheet" href="/widget/assets/form.css">
<script src="/widget/assets/form.js" defer></script>
</head><body${data}>${s.body}</body></html>`;
}

/** Re-exported for the pages that already import it from here; the formatter itself is domain/money.ts. */
export { formatMoney } from '../domain/money.js';
