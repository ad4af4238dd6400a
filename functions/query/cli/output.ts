import type { Column } from '../columns';

/** A plain-text table: one header row, a rule, aligned columns; long cells are cut with an ellipsis. */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[], maxWidth = 60): string {
  const cells = rows.map((row) => columns.map((c) => cellText(c.value(row), maxWidth)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

function cellText(value: string | number | boolean | undefined, max: number): string {
  if (value === undefined) return '';
  const text = (typeof value === 'number' ? value.toLocaleString('en-US', { useGrouping: false }) : String(value)).replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * One line of a progress bar: `[#######.............]  35%  1,234 observations`. Without a known
 * fraction it shows the count alone.
 */
export function progressLine(label: string, done: number, fraction: number | undefined, width = 24): string {
  const count = `${done.toLocaleString('en-US')} ${label}`;
  if (fraction === undefined) return count;
  const clamped = Math.min(Math.max(fraction, 0), 1);
  const filled = Math.round(clamped * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(clamped * 100)).padStart(3)}%  ${count}`;
}

export interface ProgressSink {
  isTTY: boolean;
  write(text: string): void;
}

/** A progress bar on stderr, redrawn in place; silent when stderr is not a terminal (pipes, CI, files). */
export class Progress {
  private drawn = false;
  constructor(
    private readonly sink: ProgressSink,
    private readonly label: string,
  ) {}

  update(done: number, fraction?: number): void {
    if (!this.sink.isTTY) return;
    this.sink.write(`\r\u001b[2K${progressLine(this.label, done, fraction)}`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.sink.write('\r\u001b[2K');
    this.drawn = false;
  }
}
