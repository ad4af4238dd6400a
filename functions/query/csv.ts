import type { Column } from './columns';

/**
 * RFC 4180 CSV (CRLF line ends, quotes doubled). Text cells that a spreadsheet would run as a
 * formula (starting with = + - @ or a tab/CR) get a leading apostrophe: text from the web is untrusted.
 */
export function toCsv<T>(columns: readonly Column<T>[], rows: readonly T[], options: { header?: boolean } = {}): string {
  const lines = rows.map((row) => columns.map((c) => csvCell(c.value(row))).join(','));
  if (options.header !== false) lines.unshift(columns.map((c) => csvCell(c.header)).join(','));
  return lines.length > 0 ? `${lines.join('\r\n')}\r\n` : '';
}

export function csvCell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
