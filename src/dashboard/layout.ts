import { esc } from './format.js';

/** Pages of the dashboard, in the order the navigation shows them. */
export interface DashboardSection {
  path: string;
  label: string;
  /** Shown only in sandbox mode (its data exists only there). */
  sandboxOnly?: boolean;
}

/**
 * The navigation: a page is listed here with its routes in routes.ts; sandbox-only ones (their data exists only
 * there) are left out in production.
 */
export const SECTIONS: readonly DashboardSection[] = [
  { path: '/dashboard/overview', label: 'Overview' },
  { path: '/dashboard/transactions', label: 'Transactions' },
  { path: '/dashboard/profiles', label: 'Profiles' },
  { path: '/dashboard/requests', label: 'API requests' },
  { path: '/dashboard/schedules', label: 'Schedules' },
  { path: '/dashboard/test-clock', label: 'Test clock', sandboxOnly: true },
  { path: '/dashboard/inbox', label: 'Webhook inbox', sandboxOnly: true },
];

export const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// Contrast (WCAG AA or better): text #1d2330 on #fff 15:1, muted #3d4555 on #fff 9.9:1, links #0b57d0 on #fff
// 6.3:1, white on #0b57d0 6.3:1; badges: #0f5132 on #d1e7dd 7.7:1, #842029 on #f8d7da 6.6:1, #664d03 on
// #fff3cd 6.7:1. Focus: a 3 px outline in #b45309, 3:1 against both white and the page background.
const STYLE = `*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330;line-height:1.5}
a{color:#0b57d0}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible,[tabindex]:focus-visible{outline:3px solid #b45309;outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:2}
header.top{background:#fff;border-bottom:1px solid #d0d4dc}
.bar{max-width:1100px;margin:0 auto;padding:8px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center}
.brand{font-weight:700;margin-right:auto}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 12px}
nav a{display:inline-block;padding:6px 4px}nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:.25rem 0 1rem}h2{font-size:1.125rem;margin:0 0 .5rem}
section.card{background:#fff;border-radius:10px;padding:16px;margin:0 0 16px;box-shadow:0 1px 6px #0001}
form.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px 12px;align-items:end}
label{display:block;font-size:.875rem;color:#3d4555;font-weight:600}
input,select{font:inherit;width:100%;padding:6px 8px;border:1px solid #6b7280;border-radius:6px;background:#fff;color:#1d2330}
button{font:inherit;padding:8px 14px;border-radius:6px;border:1px solid #0b57d0;background:#0b57d0;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0b57d0}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9375rem}caption{text-align:left;font-weight:600;padding:0 0 6px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e2e5ea;vertical-align:top}th{color:#3d4555;font-size:.875rem}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code,pre,.mono{font-family:ui-monospace,monospace;overflow-wrap:anywhere;font-size:.875rem}
pre{white-space:pre-wrap;background:#f4f5f7;padding:8px;border-radius:6px;margin:.25rem 0}
.badge{display:inline-block;padding:0 8px;border-radius:999px;font-size:.8125rem;font-weight:600}
.ok{background:#d1e7dd;color:#0f5132}.bad{background:#f8d7da;color:#842029}.wait{background:#fff3cd;color:#664d03}
.note{color:#3d4555;font-size:.875rem}.error{color:#842029;font-weight:600}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dt{color:#3d4555}dd{margin:0;overflow-wrap:anywhere}
ol.timeline{list-style:none;margin:0;padding:0}ol.timeline li{border-left:3px solid #d0d4dc;padding:4px 0 10px 12px}
.pager{display:flex;gap:12px;margin-top:12px}
svg text{font-size:11px;fill:#3d4555}
@media (max-width:600px){main{padding:8px}section.card{padding:12px}dl.facts{grid-template-columns:1fr}dd{margin-bottom:6px}
table.stack thead{position:absolute;left:-9999px}table.stack tr{display:block;border-bottom:1px solid #d0d4dc;padding:6px 0}
table.stack td{display:flex;flex-wrap:wrap;gap:0 6px;align-items:baseline;border:0;padding:2px 4px}table.stack td::before{content:attr(data-label);flex:0 0 8.5em;color:#3d4555;font-weight:600}
table.stack td.num{text-align:left}}`;

export interface Viewer {
  merchantId: string | null;
  operator: boolean;
  csrfToken: string;
  /** The gateway runs in sandbox mode (the sandbox-only sections exist). */
  sandbox: boolean;
}

/** The hidden field every POST form carries. */
export function csrfField(viewer: Viewer): string {
  return `<input type="hidden" name="csrf" value="${esc(viewer.csrfToken)}">`;
}

function nav(current: string, viewer: Viewer): string {
  const items = SECTIONS.filter((s) => viewer.sandbox || !s.sandboxOnly)
    .map(
      (s) =>
        `<li><a href="${s.path}"${current === s.path ? ' aria-current="page"' : ''}>${esc(s.label)}</a></li>`,
    )
    .join('');
  const who = viewer.operator ? 'Operator (all merchants)' : `Merchant ${esc(viewer.merchantId ?? '')}`;
  return `<nav aria-label="Dashboard"><ul>${items}</ul></nav>
<span class="note">${who}</span>
<form method="post" action="/dashboard/sign-out">${csrfField(viewer)}<button class="secondary" type="submit">Sign out</button></form>`;
}

export function layout(title: string, current: string, viewer: Viewer | null, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} — Kartoteka dashboard</title><style>${STYLE}</style></head>
<body><a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="bar"><span class="brand">Kartoteka dashboard</span>${viewer ? nav(current, viewer) : ''}</div></header>
<main id="main" tabindex="-1"><h1>${esc(title)}</h1>
${body}</main></body></html>`;
}
