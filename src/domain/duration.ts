/**
 * How far a test clock is advanced: `1mo`, `7d`, `1y2mo`, `36h`, `90min`, `30s`, `2w`, or ISO 8601 (`P1M`,
 * `P1Y2M10DT2H30M`). Years and months are calendar steps in UTC (31 January + 1 month = 28/29 February);
 * weeks, days, hours, minutes and seconds are fixed lengths (UTC has no daylight saving).
 */
export interface Duration {
  months: number;
  ms: number;
}

/** The latest moment a clock may reach: the end of year 9999 (dates beyond don't print as ISO 8601). */
export const LATEST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const ISO =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const SHORT = /(\d+)(mo|min|y|w|d|h|s)/gy;
const MS = { w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, min: 60_000, s: 1000 } as const;

/** The duration, or an explanation of why the text is not one. */
export function parseDuration(text: string): Duration | { error: string } {
  const t = text.trim();
  const iso = ISO.exec(t);
  if (iso && t.length > 1 && !/T$/i.test(t)) {
    const n = (i: number) => Number(iso[i] ?? 0);
    return {
      months: n(1) * 12 + n(2),
      ms: n(3) * MS.w + n(4) * MS.d + n(5) * MS.h + n(6) * MS.min + Math.round(n(7) * 1000),
    };
  }
  const short = t.toLowerCase().replace(/\s+/g, '');
  if (short === '') return { error: 'empty duration' };
  const d: Duration = { months: 0, ms: 0 };
  SHORT.lastIndex = 0;
  let end = 0;
  for (let m = SHORT.exec(short); m; m = SHORT.exec(short)) {
    const value = Number(m[1]);
    const unit = m[2] as 'mo' | 'min' | 'y' | 'w' | 'd' | 'h' | 's';
    if (unit === 'y') d.months += value * 12;
    else if (unit === 'mo') d.months += value;
    else d.ms += value * MS[unit];
    end = SHORT.lastIndex;
  }
  if (end !== short.length) {
    const hint = /\d+m(?!o|in)/.test(short) ? ' (say mo for months, min for minutes)' : '';
    return {
      error: `"${text}" is not a duration${hint}: use e.g. 1mo, 7d, 1y2mo, 36h, 90min, 30s, 2w, or ISO 8601 (P1M, P1DT12H)`,
    };
  }
  return d;
}

/** `from` plus `d`, months first (calendar, clamped to the month's last day), then the fixed part. */
export function addDuration(from: number, d: Duration): number {
  let at = from;
  if (d.months !== 0) {
    const date = new Date(from);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + d.months;
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    date.setUTCFullYear(year, month, Math.min(date.getUTCDate(), lastDay));
    at = date.getTime();
  }
  return at + d.ms;
}

/** An ISO 8601 date (`2027-01-01`, midnight UTC) or date-time with `Z` or an offset; else null. */
export function parseInstant(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i.test(text))
    return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}
