import type { Schedule } from '../domain/schedule.js';
import type { TestClockState } from '../payments/test-clock.js';
import { esc, money, statusBadge, time } from './format.js';
import { csrfField, type Viewer } from './layout.js';

function every(s: Schedule): string {
  return s.intervalCount === 1 ? `every ${s.intervalUnit}` : `every ${s.intervalCount} ${s.intervalUnit}s`;
}

function merchantPicker(viewer: Viewer, action: string, merchant: string): string {
  return viewer.operator
    ? `<section class="card" aria-labelledby="whose"><h2 id="whose">Merchant</h2><form class="filters" method="get" action="${action}"><div><label for="m-merchant">Merchant id</label><input id="m-merchant" name="merchant" value="${esc(merchant)}" required></div><div><button type="submit">Show</button></div></form></section>`
    : '';
}

const hiddenMerchant = (viewer: Viewer, merchant: string) =>
  viewer.operator ? `<input type="hidden" name="merchant" value="${esc(merchant)}">` : '';

/** The merchant's schedules (src/payments/schedules.ts), with pause, resume and cancel. */
export function schedulesPage(
  viewer: Viewer,
  merchant: string,
  schedules: Schedule[] | null,
  notice: string | null,
): string {
  const pick = merchantPicker(viewer, '/dashboard/schedules', merchant);
  if (schedules === null) return pick;
  const action = (s: Schedule, change: 'pause' | 'resume' | 'cancel', label: string) =>
    `<form method="post" action="/dashboard/schedules/${esc(s.id)}/${change}" style="display:inline">${csrfField(viewer)}${hiddenMerchant(viewer, merchant)}<button type="submit" class="secondary">${esc(label)} ${esc(s.title)}</button></form>`;
  const rows = schedules
    .map((s) => {
      const buttons = [
        s.status === 'active' || s.status === 'past_due' ? action(s, 'pause', 'Pause') : '',
        s.status === 'paused' ? action(s, 'resume', 'Resume') : '',
        s.status !== 'cancelled' && s.status !== 'ended' ? action(s, 'cancel', 'Cancel') : '',
      ].join(' ');
      return `<tr><td data-label="Schedule">${esc(s.title)}<br><span class="note mono">${esc(s.id)}</span></td>
<td class="num" data-label="Amount">${money(s.amount, s.currency)}</td><td data-label="Interval">${esc(every(s))}</td>
<td data-label="Status">${statusBadge(s.status)}${s.endReason ? ` <span class="note">${esc(s.endReason)}</span>` : ''}</td>
<td data-label="Cycle">${s.cycle} (${s.cyclesSettled} paid${s.attempts ? `, ${s.attempts} attempts on this one` : ''})</td>
<td data-label="Next due">${s.status === 'cancelled' || s.status === 'ended' ? '—' : time(s.cycleDueAt)}</td>
<td data-label="Last payment">${s.lastTransactionId ? `<a class="mono" href="/dashboard/transactions/${esc(s.lastTransactionId)}">${esc(s.lastTransactionId)}</a>` : '—'}</td>
<td data-label="Actions">${buttons || '—'}</td></tr>`;
    })
    .join('');
  return `${notice ? `<p role="status" class="card">${esc(notice)}</p>` : ''}${pick}<section class="card" aria-labelledby="sch"><h2 id="sch">Schedules</h2>${
    schedules.length
      ? `<div class="scroll"><table class="stack"><caption>Schedules, newest first</caption><thead><tr><th scope="col">Schedule</th><th scope="col" class="num">Amount</th><th scope="col">Interval</th><th scope="col">Status</th><th scope="col">Cycle</th><th scope="col">Next due</th><th scope="col">Last payment</th><th scope="col">Actions</th></tr></thead><tbody>${rows}</tbody></table></div>`
      : '<p>No schedule yet (<code>POST /kartoteka/v1/merchant/{merchantId}/schedules</code>).</p>'
  }<p class="note">Times are the shop's: its test clock's while it has one.</p></section>`;
}

export interface ShopClock {
  serviceId: string;
  name: string;
  clock: TestClockState | null;
}

/** Each shop's test clock (src/payments/test-clock.ts): freeze, advance, back to real time. */
export function testClockPage(
  viewer: Viewer,
  merchant: string,
  shops: ShopClock[] | null,
  notice: string | null,
): string {
  const pick = merchantPicker(viewer, '/dashboard/test-clock', merchant);
  if (shops === null) return pick;
  const post = (s: ShopClock, what: string, inner: string) =>
    `<form method="post" action="/dashboard/test-clock/${esc(s.serviceId)}/${what}" class="filters">${csrfField(viewer)}${hiddenMerchant(viewer, merchant)}${inner}</form>`;
  const cards = shops
    .map((s) => {
      const id = esc(s.serviceId);
      const state = s.clock
        ? `<p>Frozen at ${time(s.clock.frozenAt)}${s.clock.advancing ? ' — an advance is running' : ''}${s.clock.advancingTo !== null && !s.clock.advancing ? ` — an interrupted advance to ${time(s.clock.advancingTo)} is finished by the next advance` : ''}.</p>
${post(s, 'advance', `<div><label for="by-${id}">Advance by (e.g. 1d, 7d, 1mo, P1M)</label><input id="by-${id}" name="by" required></div><div><button type="submit">Advance ${esc(s.name)}</button></div>`)}
${post(s, 'remove', `<div><button type="submit" class="secondary">Back to real time: ${esc(s.name)}</button></div>`)}`
        : `<p>Real time.</p>${post(s, 'freeze', `<div><label for="at-${id}">Freeze at (ISO 8601, empty: now)</label><input id="at-${id}" name="at" placeholder="2030-01-01T00:00:00Z"></div><div><button type="submit">Freeze ${esc(s.name)}</button></div>`)}`;
      return `<section class="card" aria-labelledby="shop-${id}"><h2 id="shop-${id}">${esc(s.name)} <span class="note mono">${id}</span></h2>${state}</section>`;
    })
    .join('');
  return `${notice ? `<p role="status" class="card">${esc(notice)}</p>` : ''}${pick}<p class="note">A test clock freezes a shop's time (sandbox only); an advance runs everything of that shop's that falls due on the way: schedule cycles and notices, notification retries, challenge expiry.</p>${cards || '<p>This merchant has no shop.</p>'}`;
}
