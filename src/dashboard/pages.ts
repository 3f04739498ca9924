import { describeResultCode } from '../domain/result-codes.js';
import { TRANSACTION_STATUSES, type Transaction } from '../domain/transaction.js';
import type { PaymentProfile } from '../domain/profile.js';
import type { FoundTransaction } from '../payments/list-transactions.js';
import type { TimelineEntry, TransactionTimeline } from '../payments/transaction-timeline.js';
import type { RequestLogRow } from '../payments/request-log.js';
import type { InboxPage } from '../payments/inbox.js';
import { esc, money, query, statusBadge, time } from './format.js';
import { csrfField, type Viewer } from './layout.js';

export interface FilterForm {
  status?: string | undefined;
  type?: string | undefined;
  orderId?: string | undefined;
  cid?: string | undefined;
  amountMin?: string | undefined;
  amountMax?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  merchant?: string | undefined;
}

function field(name: keyof FilterForm, label: string, value: string | undefined, attrs = ''): string {
  return `<div><label for="f-${name}">${esc(label)}</label><input id="f-${name}" name="${name}" value="${esc(value ?? '')}" ${attrs}></div>`;
}

function select(
  name: keyof FilterForm,
  label: string,
  value: string | undefined,
  options: readonly string[],
): string {
  const opts = ['', ...options]
    .map(
      (o) => `<option value="${esc(o)}"${o === (value ?? '') ? ' selected' : ''}>${esc(o || 'any')}</option>`,
    )
    .join('');
  return `<div><label for="f-${name}">${esc(label)}</label><select id="f-${name}" name="${name}">${opts}</select></div>`;
}

const cardText = (card: { brand: string; last4: string } | null) =>
  card ? `${esc(card.brand)} <span class="mono">****${esc(card.last4)}</span>` : '—';

export function transactionsPage(
  viewer: Viewer,
  form: FilterForm,
  problems: string[],
  rows: FoundTransaction[],
  next: string | null,
  first: boolean,
): string {
  const filters = `<section class="card" aria-labelledby="search"><h2 id="search">Search</h2>
<form class="filters" method="get" action="/dashboard/transactions" role="search">
${select('status', 'Status', form.status, TRANSACTION_STATUSES)}
${select('type', 'Type', form.type, ['sale', 'refund'])}
${field('orderId', 'Order id', form.orderId)}
${field('cid', 'Customer id (cid)', form.cid)}
${field('amountMin', 'Amount from', form.amountMin, 'inputmode="decimal" placeholder="e.g. 10.00"')}
${field('amountMax', 'Amount to', form.amountMax, 'inputmode="decimal"')}
${field('from', 'Created from (UTC)', form.from, 'type="date"')}
${field('to', 'Created to (UTC)', form.to, 'type="date"')}
${viewer.operator ? field('merchant', 'Merchant id', form.merchant) : ''}
<div><button type="submit">Search</button> <a href="/dashboard/transactions">Clear</a></div>
</form>${problems.length ? `<ul class="error" role="alert">${problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : ''}</section>`;
  const body = rows
    .map(
      (t) => `<tr><td data-label="Created">${time(t.createdAt)}</td>
<td data-label="Transaction"><a href="/dashboard/transactions/${esc(t.id)}">${esc(t.orderId)}</a><br><span class="note mono">${esc(t.id)}</span></td>
<td data-label="Type">${esc(t.type)}</td><td data-label="Status">${statusBadge(t.status)}</td>
<td class="num" data-label="Amount">${money(t.amount, t.currency)}</td>
<td data-label="Customer">${esc(t.customer?.cid ?? '—')}</td><td data-label="Card">${cardText(t.card)}</td>
${viewer.operator ? `<td data-label="Merchant" class="mono">${esc(t.merchantId)}</td>` : ''}</tr>`,
    )
    .join('');
  const pager = `<div class="pager">${first ? '' : `<a href="/dashboard/transactions${query({ ...form })}">First page</a>`}${
    next
      ? `<a href="/dashboard/transactions${query({ ...form, cursor: next })}" rel="next">Next page</a>`
      : ''
  }</div>`;
  const table = rows.length
    ? `<div class="scroll"><table class="stack"><caption>Transactions, newest first</caption>
<thead><tr><th scope="col">Created</th><th scope="col">Order / id</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col" class="num">Amount</th><th scope="col">Customer</th><th scope="col">Card</th>${viewer.operator ? '<th scope="col">Merchant</th>' : ''}</tr></thead>
<tbody>${body}</tbody></table></div>`
    : '<p>No transactions match.</p>';
  return `${filters}<section class="card" aria-labelledby="results"><h2 id="results">Results</h2>${table}${pager}</section>`;
}

function entryText(e: TimelineEntry, t: Transaction): string {
  const which = e.transactionId === t.id ? '' : ` (refund <span class="mono">${esc(e.transactionId)}</span>)`;
  switch (e.kind) {
    case 'created':
      return `Created: ${esc(e.detail ?? 'sale')}${which}`;
    case 'challenge':
      return `3-D Secure: challenge requested${which}`;
    case 'challenge-answered':
      return `3-D Secure: challenge ${esc(e.detail ?? '')}${which}`;
    case 'status': {
      const op = {
        authorizing: 'authorization',
        capturing: 'capture',
        voiding: 'void',
        challenge: '3-D Secure',
      }[e.detail ?? ''];
      const code = e.code
        ? ` — acquirer: <code>${esc(e.code)}</code> ${esc(describeResultCode(e.code))}`
        : '';
      return `Status ${statusBadge(e.status ?? '')}${op ? ` after ${esc(op)}` : ''}${code}${which}`;
    }
    case 'refund':
      return `Refund <a href="/dashboard/transactions/${esc(e.transactionId)}" class="mono">${esc(e.transactionId)}</a> created, now ${statusBadge(e.status ?? '')}`;
    case 'notification-attempt':
      return `Notification attempt: ${e.status ? `HTTP ${esc(e.status)}` : 'no answer'}${e.detail ? ` — ${esc(e.detail)}` : ''}${which}`;
  }
}

export function transactionPage(viewer: Viewer, tl: TransactionTimeline, notice: string | null): string {
  const t = tl.transaction;
  const facts = `<section class="card" aria-labelledby="facts"><h2 id="facts">Transaction</h2><dl class="facts">
<dt>Id</dt><dd class="mono">${esc(t.id)}</dd><dt>Order</dt><dd>${esc(t.orderId)}</dd><dt>Title</dt><dd>${esc(t.title)}</dd>
<dt>Status</dt><dd>${statusBadge(t.status)}${t.statusCode ? ` <code>${esc(t.statusCode)}</code> ${esc(describeResultCode(t.statusCode))}` : ''}</dd>
<dt>Amount</dt><dd>${money(t.amount, t.currency)}</dd><dt>Type</dt><dd>${esc(t.type)} · ${esc(t.paymentMethodCode)} · ${esc(t.initiator)}</dd>
<dt>Card</dt><dd>${cardText(tl.card)}</dd><dt>Customer</dt><dd>${esc(t.customer?.cid ?? '—')}</dd>
${t.parentId ? `<dt>Refund of</dt><dd><a class="mono" href="/dashboard/transactions/${esc(t.parentId)}">${esc(t.parentId)}</a></dd>` : ''}
${viewer.operator ? `<dt>Merchant</dt><dd class="mono">${esc(t.merchantId)}</dd>` : ''}
<dt>Service</dt><dd class="mono">${esc(t.serviceId)}</dd></dl></section>`;
  const timeline = `<section class="card" aria-labelledby="history"><h2 id="history">Timeline</h2><ol class="timeline">
${tl.entries.map((e) => `<li>${time(e.at)}<br>${entryText(e, t)}</li>`).join('\n')}</ol></section>`;
  const notifications = tl.notifications.length
    ? tl.notifications
        .map((n) => {
          const attempts = n.attempts.length
            ? `<div class="scroll"><table class="stack"><caption>Delivery attempts</caption><thead><tr><th scope="col">Time</th><th scope="col">URL</th><th scope="col">HTTP status</th><th scope="col">Response excerpt</th><th scope="col">Signature header</th></tr></thead><tbody>${n.attempts
                .map(
                  (a) =>
                    `<tr><td data-label="Time">${time(a.attemptedAt)}</td><td data-label="URL" class="mono">${esc(a.url ?? n.url ?? '—')}</td><td data-label="HTTP status">${a.httpStatus ?? `no answer${a.error ? `: ${esc(a.error)}` : ''}`}</td><td data-label="Response excerpt"><pre>${esc(a.responseExcerpt ?? '')}</pre></td><td data-label="Signature header" class="mono">${esc(a.signature ?? '—')}</td></tr>`,
                )
                .join('')}</tbody></table></div>`
            : '<p>No attempt yet.</p>';
          return `<article aria-labelledby="n-${esc(n.id)}" style="margin-bottom:12px">
<h3 id="n-${esc(n.id)}" style="font-size:1rem;margin:.5rem 0">Notification ${n.ordinal}${n.transactionId !== t.id ? ' (refund)' : ''}: ${esc(n.notifiedStatus ?? '')} ${statusBadge(n.status)}</h3>
<p class="note">To <span class="mono">${esc(n.url ?? '—')}</span>, queued ${time(n.createdAt)}${n.deliveredAt ? `, delivered ${time(n.deliveredAt)}` : ''}</p>
${attempts}
<form method="post" action="/dashboard/transactions/${esc(t.id)}/notifications/${esc(n.id)}/resend">${csrfField(viewer)}<button type="submit">Resend notification ${n.ordinal}</button></form></article>`;
        })
        .join('')
    : '<p>No notification was queued (neither the transaction nor its shop has a notification URL).</p>';
  return `${notice ? `<p role="status" class="card">${esc(notice)}</p>` : ''}${facts}${timeline}
<section class="card" aria-labelledby="notes"><h2 id="notes">Notifications</h2>${notifications}</section>`;
}

export function profilesPage(
  viewer: Viewer,
  cid: string,
  merchant: string,
  profiles: PaymentProfile[] | null,
  notice: string | null,
): string {
  const form = `<section class="card" aria-labelledby="find"><h2 id="find">Find a payer's profiles</h2>
<form class="filters" method="get" action="/dashboard/profiles" role="search">
<div><label for="p-cid">Customer id (cid)</label><input id="p-cid" name="cid" value="${esc(cid)}" required></div>
${viewer.operator ? `<div><label for="p-merchant">Merchant id</label><input id="p-merchant" name="merchant" value="${esc(merchant)}" required></div>` : ''}
<div><button type="submit">Find</button></div></form></section>`;
  if (profiles === null) return `${notice ? `<p role="status">${esc(notice)}</p>` : ''}${form}`;
  const rows = profiles
    .map(
      (
        p,
      ) => `<tr><td data-label="Profile" class="mono">${esc(p.id)}</td><td data-label="Type">${esc(p.type)}</td>
<td data-label="Card">${esc(p.organization)} <span class="mono">${esc(p.maskedNumber)}</span> ${esc(p.month)}/${esc(p.year)}</td>
<td data-label="Holder">${esc(`${p.firstName} ${p.lastName}`)}</td><td data-label="Active">${p.isActive ? 'active' : 'inactive'}</td>
<td data-label="Action">${
        p.isActive
          ? `<form method="post" action="/dashboard/profiles/${esc(p.id)}/deactivate">${csrfField(viewer)}<input type="hidden" name="cid" value="${esc(cid)}"><input type="hidden" name="merchant" value="${esc(merchant)}"><button type="submit" class="secondary">Deactivate profile ${esc(p.maskedNumber)}</button></form>`
          : '—'
      }</td></tr>`,
    )
    .join('');
  return `${notice ? `<p role="status" class="card">${esc(notice)}</p>` : ''}${form}<section class="card" aria-labelledby="found"><h2 id="found">Profiles of ${esc(cid)}</h2>${
    profiles.length
      ? `<div class="scroll"><table class="stack"><caption>Payment profiles</caption><thead><tr><th scope="col">Profile</th><th scope="col">Type</th><th scope="col">Card</th><th scope="col">Holder</th><th scope="col">State</th><th scope="col">Action</th></tr></thead><tbody>${rows}</tbody></table></div>`
      : '<p>No profile for this cid.</p>'
  }<p><a href="/dashboard/transactions${query({ cid, merchant: viewer.operator ? merchant : undefined })}">This payer's transactions</a></p></section>`;
}

function pretty(body: string | null): string {
  if (body === null || body === '') return '<span class="note">(empty)</span>';
  try {
    return `<pre>${esc(JSON.stringify(JSON.parse(body), null, 2))}</pre>`;
  } catch {
    return `<pre>${esc(body)}</pre>`;
  }
}

export function requestsPage(viewer: Viewer, rows: RequestLogRow[]): string {
  const items = rows
    .map(
      (
        r,
      ) => `<tr><td data-label="Time">${time(r.at)}</td><td data-label="Request" class="mono">${esc(r.method)} ${esc(r.path)}</td>
<td data-label="Status">${r.status}</td><td class="num" data-label="Duration">${r.durationMs} ms</td>
${viewer.operator ? `<td data-label="Merchant" class="mono">${esc(r.merchantId)}</td>` : ''}
<td data-label="Bodies"><details><summary>Request and response</summary><p>Request</p>${pretty(r.requestBody)}<p>Response</p>${pretty(r.responseBody)}</details></td></tr>`,
    )
    .join('');
  return `<section class="card" aria-labelledby="log"><h2 id="log">Last API requests</h2>
<p class="note">The newest ${rows.length} requests${viewer.operator ? ' of every merchant' : ''}; card numbers masked, CVV never kept.</p>${
    rows.length
      ? `<div class="scroll"><table class="stack"><caption>API requests, newest first</caption><thead><tr><th scope="col">Time</th><th scope="col">Request</th><th scope="col">Status</th><th scope="col" class="num">Duration</th>${viewer.operator ? '<th scope="col">Merchant</th>' : ''}<th scope="col">Bodies</th></tr></thead><tbody>${items}</tbody></table></div>`
      : '<p>No request yet.</p>'
  }</section>`;
}

export function signInPage(options: {
  csrf: string;
  error: string | null;
  sandboxToken: string | null;
  operators: boolean;
}): string {
  const sandbox = options.sandboxToken
    ? `<section class="card" aria-labelledby="sandbox"><h2 id="sandbox">Sandbox</h2><p>Sign in as the sandbox merchant (its token is on the landing page and in the start banner).</p>
<form method="post" action="/dashboard/sign-in"><input type="hidden" name="csrf" value="${esc(options.csrf)}"><input type="hidden" name="token" value="${esc(options.sandboxToken)}"><button type="submit">Sign in as the sandbox merchant</button></form></section>`
    : '';
  return `${options.error ? `<p class="error" role="alert" id="sign-in-error">${esc(options.error)}</p>` : ''}
<section class="card" aria-labelledby="token-h"><h2 id="token-h">Sign in with a token</h2>
<form method="post" action="/dashboard/sign-in"><input type="hidden" name="csrf" value="${esc(options.csrf)}">
<label for="token">Merchant API token${options.operators ? ' or admin token' : ''}</label>
<input id="token" name="token" type="password" autocomplete="off" required${options.error ? ' aria-invalid="true" aria-describedby="sign-in-error"' : ''}>
<p><button type="submit">Sign in</button></p></form></section>${sandbox}`;
}

export function messagePage(message: string): string {
  return `<section class="card"><p>${esc(message)}</p><p><a href="/dashboard">Back to the dashboard</a></p></section>`;
}

export function inboxPage(viewer: Viewer, merchant: string, page: InboxPage | null, first: boolean): string {
  const pick = viewer.operator
    ? `<section class="card" aria-labelledby="whose"><h2 id="whose">Merchant</h2><form class="filters" method="get" action="/dashboard/inbox"><div><label for="i-merchant">Merchant id</label><input id="i-merchant" name="merchant" value="${esc(merchant)}" required></div><div><button type="submit">Show</button></div></form></section>`
    : '';
  if (!page) return pick;
  const items = page.messages
    .map((m) => {
      const headers = Object.entries(m.headers)
        .map(([k, v]) => `${esc(k)}: ${esc(v)}`)
        .join('\n');
      return `<article class="card" aria-labelledby="m-${esc(m.id)}"><h2 id="m-${esc(m.id)}">${esc(m.event ?? 'notification')} ${
        m.verified
          ? '<span class="badge ok">signature verified</span>'
          : '<span class="badge bad">signature NOT verified</span>'
      }</h2><dl class="facts"><dt>Received</dt><dd>${time(Date.parse(m.receivedAt))}</dd>
<dt>Transaction</dt><dd>${m.transactionId ? `<a class="mono" href="/dashboard/transactions/${esc(m.transactionId)}">${esc(m.transactionId)}</a>` : '—'}</dd>
<dt>Shop</dt><dd class="mono">${esc(m.serviceId)}</dd><dt>X-Imoje-Signature</dt><dd class="mono">${esc(m.signature ?? '—')}</dd></dl>
<details><summary>Body and headers</summary><p>Body</p>${pretty(m.body)}<p>Headers</p><pre>${headers}</pre></details></article>`;
    })
    .join('');
  const more = `<div class="pager">${first ? '' : `<a href="/dashboard/inbox${query({ merchant: viewer.operator ? merchant : undefined })}">Newest</a>`}${
    page.nextCursor
      ? `<a rel="next" href="/dashboard/inbox${query({ merchant: viewer.operator ? merchant : undefined, cursor: page.nextCursor })}">Older</a>`
      : ''
  }</div>`;
  return `${pick}<p class="note">What the sandbox's receiver got: the notifications of this merchant's shops that have no notification URL of their own, newest first, with their signature checked against the shop's serviceKey.</p>${
    items || '<p>Nothing has arrived yet.</p>'
  }${more}`;
}
