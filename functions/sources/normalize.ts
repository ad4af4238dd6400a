import type { Granularity } from '../core/model';

/**
 * Normalizers for what official documents really contain. They return `null` for a value the
 * source marks as missing ("–", "", "n/a") and `undefined` for something unparseable, so the caller
 * can name the source, field and raw value in its error.
 */

const MISSING = new Set(['', '-', '–', '—', '..', '...', 'n/a', 'na', 'null', '.']);

/**
 * Parses counts such as "8314", "8 314", "8\u00a0314", "8\u202f314", "8,314", "1 234,5", "1.234,5".
 * A lone comma followed by exactly three digits is a thousands separator ("8,314"); otherwise a comma is decimal.
 */
export function parseNumber(raw: unknown): number | null | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'string') return undefined;
  let text = raw.trim().replace(/[\s\u00a0\u202f\u2009']/g, '');
  if (MISSING.has(text.toLowerCase())) return null;
  let sign = 1;
  if (/^[-−–]/.test(text)) {
    sign = -1;
    text = text.slice(1);
  } else if (text.startsWith('+')) {
    text = text.slice(1);
  }
  const hasComma = text.includes(',');
  const hasDot = text.includes('.');
  if (hasComma && hasDot) {
    // The last separator is the decimal one: "1,234.5" or "1.234,5".
    text = text.lastIndexOf(',') > text.lastIndexOf('.') ? text.replace(/\./g, '').replace(',', '.') : text.replace(/,/g, '');
  } else if (hasComma) {
    text = /^\d{1,3}(,\d{3})+$/.test(text) ? text.replace(/,/g, '') : text.replace(',', '.');
  } else if (hasDot && /^\d{1,3}(\.\d{3}){2,}$/.test(text)) {
    text = text.replace(/\./g, '');
  }
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  return sign * Number(text);
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

export type DateFormat = 'auto' | 'iso' | 'D.M.YYYY' | 'MM/DD/YYYY' | 'Mon YYYY';

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function valid({ year, month, day }: CalendarDate): boolean {
  if (month < 1 || month > 12 || day < 1 || year < 1900 || year > 2200) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** Reads a calendar date; `undefined` when the text is not a date in the given (or any known) format. */
export function parseCalendarDate(raw: string, format: DateFormat = 'auto'): CalendarDate | undefined {
  const text = raw.trim();
  const tryIso = () => {
    const m = text.match(/^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/);
    return m ? { year: +m[1]!, month: +m[2]!, day: m[3] ? +m[3] : 1 } : undefined;
  };
  const tryDotted = () => {
    const m = text.match(/^(\d{1,2})\.(\d{1,2})\.(\d{4})$/);
    return m ? { year: +m[3]!, month: +m[2]!, day: +m[1]! } : undefined;
  };
  const tryUs = () => {
    const m = text.match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM)?)?$/i);
    return m ? { year: +m[3]!, month: +m[1]!, day: +m[2]! } : undefined;
  };
  const tryMonthName = () => {
    const m = text.match(/^([A-Za-z]{3,9})\.?\s+(\d{4})$/);
    const month = m ? MONTHS[m[1]!.slice(0, m[1]!.length >= 4 && m[1]!.toLowerCase().startsWith('sept') ? 4 : 3).toLowerCase()] : undefined;
    return m && month ? { year: +m[2]!, month, day: 1 } : undefined;
  };
  const attempts: Record<Exclude<DateFormat, 'auto'>, () => CalendarDate | undefined> = {
    iso: tryIso,
    'D.M.YYYY': tryDotted,
    'MM/DD/YYYY': tryUs,
    'Mon YYYY': tryMonthName,
  };
  const order = format === 'auto' ? Object.values(attempts) : [attempts[format]];
  for (const attempt of order) {
    const date = attempt();
    if (date && valid(date)) return date;
  }
  return undefined;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ISO-8601 week of a date: the week belongs to the year of its Thursday. */
export function isoWeek({ year, month, day }: CalendarDate): { year: number; week: number } {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return { year: date.getUTCFullYear(), week };
}

/** The period key of a date at a granularity: 2022-09-22, 2022-W38 or 2022-09. */
export function periodOf(date: CalendarDate, granularity: Granularity): string {
  switch (granularity) {
    case 'day':
      return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
    case 'month':
      return `${date.year}-${pad(date.month)}`;
    case 'week': {
      const w = isoWeek(date);
      return `${w.year}-W${pad(w.week)}`;
    }
  }
}

/** Is this string a well-formed period key of the granularity? */
export function isPeriod(value: string, granularity: Granularity): boolean {
  switch (granularity) {
    case 'day':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) && parseCalendarDate(value, 'iso') !== undefined;
    case 'month':
      return /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
    case 'week':
      return /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/.test(value);
  }
}
