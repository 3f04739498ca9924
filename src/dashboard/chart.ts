import type { DailyVolume } from '../payments/dashboard-stats.js';
import { esc, money } from './format.js';

const DAY = 86_400_000;
const day = (d: number) => new Date(d * DAY).toISOString().slice(0, 10);

interface Day {
  day: number;
  finished: number;
  paid: number;
  /** Paid amount per currency. */
  amounts: Map<string, number>;
}

function byDay(days: number[], rows: DailyVolume[]): Day[] {
  return days.map((d) => {
    const of = rows.filter((r) => r.day === d);
    return {
      day: d,
      finished: of.reduce((n, r) => n + r.finished, 0),
      paid: of.reduce((n, r) => n + r.paid, 0),
      amounts: new Map(of.map((r) => [r.currency, r.paidAmount])),
    };
  });
}

/**
 * Daily paid volume (bars, the busiest currency) and approval rate (a line), as an inline SVG described by
 * the table beside it, which carries the same numbers for screen readers and small screens.
 */
export function volumeChart(days: number[], rows: DailyVolume[]): string {
  const data = byDay(days, rows);
  const currencies = [...new Set(rows.map((r) => r.currency))];
  const main =
    currencies.sort(
      (a, b) =>
        rows.filter((r) => r.currency === b).reduce((n, r) => n + r.paidAmount, 0) -
        rows.filter((r) => r.currency === a).reduce((n, r) => n + r.paidAmount, 0),
    )[0] ?? 'PLN';
  const W = 640;
  const H = 200;
  const pad = 30;
  const max = Math.max(1, ...data.map((d) => d.amounts.get(main) ?? 0));
  const step = (W - 2 * pad) / data.length;
  const bars = data
    .map((d, i) => {
      const v = d.amounts.get(main) ?? 0;
      const h = Math.round(((H - 2 * pad) * v) / max);
      return `<rect x="${(pad + i * step + 2).toFixed(1)}" y="${H - pad - h}" width="${(step - 4).toFixed(1)}" height="${h}" fill="#0b57d0"></rect>`;
    })
    .join('');
  const points = data
    .map((d, i) => {
      const rate = d.finished === 0 ? null : d.paid / d.finished;
      if (rate === null) return null;
      return `${(pad + i * step + step / 2).toFixed(1)},${(H - pad - rate * (H - 2 * pad)).toFixed(1)}`;
    })
    .filter((p): p is string => p !== null);
  const line =
    points.length > 0
      ? `<polyline points="${points.join(' ')}" fill="none" stroke="#b45309" stroke-width="2.5"></polyline>` +
        points
          .map(
            (p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="#b45309"></circle>`,
          )
          .join('')
      : '';
  const labels = [0, Math.floor(data.length / 2), data.length - 1]
    .filter((i, k, all) => data[i] && all.indexOf(i) === k)
    .map((i) => `<text x="${(pad + i * step).toFixed(1)}" y="${H - 8}">${day(data[i]!.day)}</text>`)
    .join('');
  const svg = `<svg role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px;height:auto">
<title id="chart-title">Daily paid volume (${esc(main)}) and approval rate</title>
<desc id="chart-desc">Bars: amount paid per day in ${esc(main)}, highest ${money(max, main)}. Line: share of finished sales that were paid, 0 to 100 %. The table below has every value.</desc>
<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="#6b7280"></line>
<text x="2" y="${pad}">${money(max, main)}</text><text x="${W - pad + 2}" y="${pad}">100%</text><text x="${W - pad + 2}" y="${H - pad}">0%</text>
${bars}${line}${labels}</svg>`;
  const tableRows = data
    .map((d) => {
      const amounts = [...d.amounts.entries()].map(([c, a]) => money(a, c)).join(', ') || money(0, main);
      const rate = d.finished === 0 ? '—' : `${Math.round((100 * d.paid) / d.finished)} %`;
      return `<tr><td data-label="Day">${day(d.day)}</td><td class="num" data-label="Finished sales">${d.finished}</td><td class="num" data-label="Paid">${d.paid}</td><td class="num" data-label="Approval rate">${rate}</td><td class="num" data-label="Volume paid">${amounts}</td></tr>`;
    })
    .join('');
  return `<figure style="margin:0">${svg}
<figcaption class="note">Bars: paid volume (${esc(main)}); line: approval rate. UTC days.</figcaption></figure>
<div class="scroll" role="region" aria-label="Daily volume table" tabindex="0"><table id="volume-table"><caption>Daily volume and approval rate</caption>
<thead><tr><th scope="col">Day</th><th scope="col" class="num">Finished sales</th><th scope="col" class="num">Paid</th><th scope="col" class="num">Approval rate</th><th scope="col" class="num">Volume paid</th></tr></thead>
<tbody>${tableRows}</tbody></table></div>`;
}
