import type { FastifyInstance } from 'fastify';
import { escapeHtml as esc } from '../../html/escape-html.js';
import { PAGE_HEADERS } from './html.js';

/** The sandbox merchant's credentials, as the banner prints them; handed over by the composition root. */
export interface LandingCredentials {
  merchantId: string;
  serviceId: string;
  serviceKey: string;
  token: string;
}

export interface LandingInfo {
  name: string;
  version: string;
  mode: 'sandbox' | 'production';
  /** The sandbox merchant (sandbox mode only): null in production, or when it was not created by this gateway. */
  sandbox: () => LandingCredentials | null;
  /** Links worth showing: the demo shop exists only in sandbox mode. */
  demo: boolean;
  /** The dashboard is served (sandbox, or KARTOTEKA_DASHBOARD=on). */
  dashboard?: boolean;
}

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// Contrast: #1d2330 on #fff and #fff on #0b57d0 are both above 7:1; link colour #0b57d0 on #fff 6.3:1.
const STYLE = `body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330;line-height:1.5}
header,main,footer{max-width:720px;margin:0 auto;padding:16px}
header h1{margin:.5rem 0 0;font-size:1.5rem}header p{margin:.25rem 0 0;color:#3d4555}
section{background:#fff;border-radius:12px;padding:16px;margin:0 0 16px;box-shadow:0 1px 6px #0001}
h2{font-size:1.125rem;margin:0 0 .5rem}a{color:#0b57d0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0}dt{color:#3d4555}
dd{margin:0;font-family:ui-monospace,monospace;overflow-wrap:anywhere}
ul{margin:0;padding-left:1.25rem}li{margin:.25rem 0}code{font-family:ui-monospace,monospace;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f5f7;padding:8px;border-radius:8px;margin:.5rem 0 0}
@media (max-width:480px){dl{grid-template-columns:1fr}dd{margin-bottom:6px}}`;

function links(info: LandingInfo): Array<[string, string, string]> {
  return [
    ...(info.dashboard
      ? [
          [
            '/dashboard',
            'Dashboard',
            'transactions, their timelines and notifications, profiles, API requests (sign in with the token)',
          ] as [string, string, string],
        ]
      : []),
    ...(info.demo
      ? [['/demo', 'Demo shop', 'the card widget in a shop without PCI DSS'] as [string, string, string]]
      : []),
    ['/docs', 'API reference', 'every endpoint, browsable (OpenAPI at /openapi.json)'],
    ['/health/ready', 'Health', 'ready when the database answers'],
  ];
}

function html(info: LandingInfo, base: string): string {
  const creds = info.mode === 'sandbox' ? info.sandbox() : null;
  const credentials = creds
    ? `<section aria-labelledby="creds"><h2 id="creds">Sandbox credentials</h2>
<dl><dt>API base URL</dt><dd>${esc(base)}/v1/merchant</dd>
<dt>merchantId</dt><dd id="merchant-id">${esc(creds.merchantId)}</dd>
<dt>serviceId</dt><dd id="service-id">${esc(creds.serviceId)}</dd>
<dt>serviceKey</dt><dd id="service-key">${esc(creds.serviceKey)}</dd>
<dt>token</dt><dd id="token">${esc(creds.token)}</dd></dl>
<p>Try it: the sandbox shop and its payment methods.</p>
<pre><code>curl -s ${esc(base)}/v1/merchant/${esc(creds.merchantId)}/service/${esc(creds.serviceId)} \\
  -H 'Authorization: Bearer ${esc(creds.token)}'</code></pre></section>`
    : info.mode === 'sandbox'
      ? '<section aria-labelledby="creds"><h2 id="creds">Sandbox credentials</h2><p>This gateway did not create a sandbox merchant (<code>KARTOTEKA_BOOTSTRAP=off</code>, or its data directory lacks <code>sandbox-credentials.json</code>). Create one with <code>npx kartoteka merchant create</code>.</p></section>'
      : '';
  const items = links(info)
    .map(([href, label, what]) => `<li><a href="${href}">${esc(label)}</a> — ${esc(what)}</li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.name)} ${esc(info.version)}</title><style>${STYLE}</style></head>
<body><header><h1>${esc(info.name)} <small>${esc(info.version)}</small></h1>
<p>imoje-compatible gateway for OneClick and recurring card payments — ${info.mode} mode</p></header>
<main>${credentials}
<nav aria-labelledby="links"><section><h2 id="links">Where to go</h2><ul>
${items}</ul></section></nav></main>
<footer><p>Docs: README.md, docs/api.md, docs/cli.md in the repository.</p></footer></body></html>`;
}

/**
 * `/`: what the banner says, for whoever opens the gateway in a browser. Credentials only in sandbox mode (they
 * are the sandbox merchant's, already printed at start and kept in the data directory); `Accept:
 * application/json` gets the same as JSON.
 */
export function landingRoutes(app: FastifyInstance, info: LandingInfo, base: () => string): void {
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const accept = request.headers.accept ?? '';
    if (/application\/json/.test(accept) && !/text\/html/.test(accept)) {
      const sandbox = info.mode === 'sandbox' ? info.sandbox() : null;
      return reply.type('application/json; charset=utf-8').send(
        JSON.stringify({
          name: info.name,
          version: info.version,
          mode: info.mode,
          links: Object.fromEntries(links(info).map(([href, label]) => [label, href])),
          ...(sandbox ? { sandbox: { apiBaseUrl: `${base()}/v1/merchant`, ...sandbox } } : {}),
        }),
      );
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .headers(PAGE_HEADERS)
      .send(html(info, base()));
  });
}
