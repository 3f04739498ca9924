import { escapeHtml as esc } from '../html/escape-html.js';
import { formatMoney } from '../domain/money.js';

export { esc };

/** Times in UTC, as the API reports them, in a <time> element machines can read too. */
export function time(ms: number | null): string {
  if (ms === null) return '—';
  const iso = new Date(ms).toISOString();
  return `<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`;
}

export function money(amount: number, currency: string): string {
  return esc(formatMoney(amount, currency, 'en'));
}

/** A status as a word with its colour as a hint only (the text carries the meaning). */
export function statusBadge(status: string): string {
  const tone =
    status === 'settled' || status === 'authorized' || status === 'delivered'
      ? 'ok'
      : status === 'rejected' || status === 'error' || status === 'failed'
        ? 'bad'
        : 'wait';
  return `<span class="badge ${tone}">${esc(status)}</span>`;
}

/** A query string from the set values only. */
export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
