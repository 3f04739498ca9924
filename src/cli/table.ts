import Table from 'cli-table3';

/** Columns holding Unix-millisecond times, shown as ISO-8601 (UTC) rather than bare numbers. */
const TIME_COLUMN = /At$/;

function cell(column: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (TIME_COLUMN.test(column) && typeof value === 'number') return new Date(value).toISOString();
  return String(value);
}

/**
 * An aligned, borderless-style table for people at a terminal (`--json` is for scripts). Colours off: the output
 * is often pasted or piped, and escape codes would get in the way.
 */
export function formatTable(rows: ReadonlyArray<Record<string, unknown>>, empty: string): string {
  const first = rows[0];
  if (!first) return `${empty}\n`;
  const columns = Object.keys(first);
  const table = new Table({ head: columns, style: { head: [], border: [] } });
  for (const row of rows) table.push(columns.map((c) => cell(c, row[c])));
  return `${table.toString()}\n`;
}

/** One record as `key: value` lines, with the same time formatting as the tables. */
export function formatRecord(record: Record<string, unknown>): string {
  return (
    Object.entries(record)
      .map(([k, v]) => `${k}: ${cell(k, v)}`)
      .join('\n') + '\n'
  );
}
