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
export interface NumberStyle {
  /**
   * Which mark is the decimal one. `auto` (the default) reads "8,314" as eight thousand; `comma` reads
   * "3,275" as three point two seven five, as Polish and Finnish write it before "mln"/"tys.".
   */
  decimal?: 'auto' | 'comma' | 'dot';
}

export function parseNumber(raw: unknown, style: NumberStyle = {}): number | null | undefined {
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
  if (style.decimal === 'comma') {
    text = text.replace(/\./g, '').replace(',', '.');
  } else if (style.decimal === 'dot') {
    text = text.replace(/,/g, '');
  } else if (hasComma && hasDot) {
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

export interface CalendarDate {
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

/* ------------------------------------------------------------------------------------------------
 * Instants and time zones. A source publishes local times ("Julkaisuajankohta 22.9.2022 11.30",
 * a date-only "16.03.2018") in its own time zone; we store instants in UTC (ISO-8601 with Z).
 * ------------------------------------------------------------------------------------------------ */

/** Is this an IANA time zone name this runtime knows (full ICU)? */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = zoneFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zoneFormatters.set(timeZone, formatter);
  }
  return formatter;
}

export interface LocalDateTime extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock date and time of an instant in a time zone. */
export function localDateTime(instant: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Minutes the zone is ahead of UTC at an instant (Helsinki in summer: 180). */
function offsetMinutes(instant: Date, timeZone: string): number {
  const l = localDateTime(instant, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant at which a wall-clock time occurs in a time zone. Two passes settle the offset
 * around daylight-saving changes; a time that does not exist (spring forward) moves forward.
 */
export function zonedInstant(local: LocalDateTime, timeZone: string): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  let guess = wall - offsetMinutes(new Date(wall), timeZone) * 60_000;
  guess = wall - offsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess);
}

const ZONE_ABBREVIATIONS: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  WET: 0, WEST: 60, CET: 60, CEST: 120, EET: 120, EEST: 180, MSK: 180,
};

const MONTH_NAMES = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$/i;

function monthNumber(name: string): number | undefined {
  const m = name.match(MONTH_NAMES);
  return m ? MONTHS[m[1]!.toLowerCase()] : undefined;
}

function fromOffset(local: LocalDateTime, offset: number): Date {
  return new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) - offset * 60_000);
}

function offsetOf(text: string): number | undefined {
  if (text in ZONE_ABBREVIATIONS) return ZONE_ABBREVIATIONS[text];
  const m = text.match(/^([+-])(\d{2}):?(\d{2})$/);
  if (!m) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * Reads a point in time as sources write it and returns it as ISO-8601 UTC, or `undefined`:
 * - ISO-8601 with an offset or Z ("2022-09-22T09:00:00+03:00");
 * - RFC-822/1123 as in RSS ("Thu, 22 Sep 2022 09:00:00 +0300", "... GMT", "... EEST");
 * - local times without a zone, read in `timeZone`: ISO ("2022-09-22T09:00"), Finnish "22.9.2022 11.30" or
 *   "22.9.2022 klo 11:30", and date-only forms ("2022-09-22", "22.9.2022", "Sep 2021"), which mean local midnight.
 */
export function parseInstant(raw: string, timeZone = 'UTC'): string | undefined {
  const text = raw.trim().replace(/\s+/g, ' ');
  if (text === '') return undefined;
  const iso = text.match(/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s?(Z|[+-]\d{2}:?\d{2})?$/i);
  if (iso) {
    const local = { year: +iso[1]!, month: +iso[2]!, day: +iso[3]!, hour: +(iso[4] ?? 0), minute: +(iso[5] ?? 0), second: +(iso[6] ?? 0) };
    if (!valid(local) || local.hour > 23 || local.minute > 59 || local.second > 60) return undefined;
    const zone = iso[7]?.toUpperCase();
    const at = zone !== undefined ? fromOffset(local, offsetOf(zone) ?? 0) : zonedInstant(local, timeZone);
    return at.toISOString();
  }
  // RFC 822: [Day,] DD Mon YYYY HH:MM[:SS] ZONE (two-digit years are 20xx).
  const rfc = text.match(/^(?:[A-Za-z]{3,9},? )?(\d{1,2}) ([A-Za-z]{3,9}\.?) (\d{2}|\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ([A-Za-z]{1,5}|[+-]\d{4}))?$/);
  if (rfc) {
    const month = monthNumber(rfc[2]!);
    const year = rfc[3]!.length === 2 ? 2000 + Number(rfc[3]) : Number(rfc[3]);
    if (!month) return undefined;
    const local = { year, month, day: +rfc[1]!, hour: +rfc[4]!, minute: +rfc[5]!, second: +(rfc[6] ?? 0) };
    if (!valid(local) || local.hour > 23 || local.minute > 59) return undefined;
    const zone = rfc[7]?.toUpperCase();
    if (zone === undefined) return zonedInstant(local, timeZone).toISOString();
    const offset = offsetOf(zone);
    return offset === undefined ? undefined : fromOffset(local, offset).toISOString();
  }
  // Finnish/Polish/Russian style: D.M.YYYY [klo|at|г.] HH.MM or HH:MM.
  const dotted = text.match(/^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,? (?:klo |kl\. |at |в |o godz\. )?(\d{1,2})[.:](\d{2}))?$/i);
  if (dotted) {
    const local = { year: +dotted[3]!, month: +dotted[2]!, day: +dotted[1]!, hour: +(dotted[4] ?? 0), minute: +(dotted[5] ?? 0), second: 0 };
    if (!valid(local) || local.hour > 23 || local.minute > 59) return undefined;
    return zonedInstant(local, timeZone).toISOString();
  }
  const date = parseCalendarDate(text);
  if (date) return zonedInstant({ ...date, hour: 0, minute: 0, second: 0 }, timeZone).toISOString();
  return undefined;
}

/** The calendar date `days` after (or before, when negative) a date. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/* ------------------------------------------------------------------------------------------------
 * Words in prose: relative days and scale words, in the languages borderwatch watches.
 * ------------------------------------------------------------------------------------------------ */

/** Relative-day words, lower case: the offset in days from the publication date. */
const RELATIVE_DAYS: Array<[RegExp, number]> = [
  // The day before yesterday first, so "toissapäivänä" is not read as "päivänä".
  [/^(the day before yesterday|toissapäivänä|toissa päivänä|i förrgår|förrgår|позавчера|przedwczoraj)$/u, -2],
  [/^(yesterday|eilen|igår|i går|вчера|wczoraj)$/u, -1],
  [/^(today|tänään|idag|i dag|сегодня|dziś|dzisiaj)$/u, 0],
];

/** Reads a relative-day word ("Yesterday", "eilen", "igår", "Вчера", "Wczoraj"); `undefined` if it is none. */
export function relativeDayOffset(word: string): number | undefined {
  const text = word.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.,:;]+$/, '');
  for (const [pattern, offset] of RELATIVE_DAYS) if (pattern.test(text)) return offset;
  return undefined;
}

/** Scale words after a number: "23,6 tys." = 23 600, "3,2 mln" = 3 200 000. Lower case, without trailing dots. */
const SCALE_WORDS: Record<string, number> = {
  k: 1e3, thousand: 1e3, thousands: 1e3, tys: 1e3, tysięcy: 1e3, tysiąca: 1e3, tuhatta: 1e3, tuhat: 1e3, tusen: 1e3,
  тыс: 1e3, тысяч: 1e3, тысячи: 1e3, тысяча: 1e3,
  m: 1e6, mn: 1e6, mln: 1e6, million: 1e6, millions: 1e6, miljoonaa: 1e6, miljoona: 1e6, miljoner: 1e6, miljon: 1e6, млн: 1e6,
};

/** The multiplier of a scale word, 1 for none, `undefined` for a word that is not a scale. */
export function scaleOf(word: string | undefined): number | undefined {
  if (word === undefined) return 1;
  const text = word.trim().toLowerCase().replace(/\.+$/, '');
  if (text === '') return 1;
  return SCALE_WORDS[text];
}
