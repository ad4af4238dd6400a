import type { Granularity } from '../core/model';

/**
 * Period keys as the store sorts them: `YYYY-MM-DD` (day), `YYYY-Www` (ISO week), `YYYY-MM` (month),
 * and `YYYY` (a whole year, only as a range bound).
 */
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK = /^(\d{4})-W(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const YEAR = /^(\d{4})$/;

/** Why a period bound is not valid, or undefined when it is. */
export function periodProblem(text: string): string | undefined {
  let m = DAY.exec(text);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? undefined : 'is not a calendar date';
  }
  m = WEEK.exec(text);
  if (m) {
    const week = Number(m[2]);
    return week >= 1 && week <= isoWeeksInYear(Number(m[1])) ? undefined : 'is not an ISO week of that year';
  }
  m = MONTH.exec(text);
  if (m) return Number(m[2]) >= 1 && Number(m[2]) <= 12 ? undefined : 'is not a month';
  if (YEAR.test(text)) return undefined;
  return 'must be a date (2022-09-22), an ISO week (2022-W38), a month (2022-09) or a year (2022)';
}

/** True when the range from..to (inclusive, `to` covering every period that starts with it) is empty by construction. */
export function isReversed(from: string, to: string): boolean {
  return from > to && !from.startsWith(to);
}

function isoWeeksInYear(year: number): number {
  // A year has 53 ISO weeks when 28 December falls in week 53.
  return isoWeek(new Date(Date.UTC(year, 11, 28))).week;
}

export function isoWeek(date: Date): { year: number; week: number } {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day); // the Thursday of this week decides the year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  return { year: d.getUTCFullYear(), week: Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7) };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The period key of `date` in a series of this granularity. */
export function periodOf(date: Date, granularity: Granularity): string {
  if (granularity === 'day') return date.toISOString().slice(0, 10);
  if (granularity === 'month') return date.toISOString().slice(0, 7);
  const { year, week } = isoWeek(date);
  return `${year}-W${pad(week)}`;
}

/** The first instant of a period key (for charts: periods on a time axis). Undefined for a malformed key. */
export function periodStart(period: string): Date | undefined {
  let m = DAY.exec(period);
  if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  m = MONTH.exec(period);
  if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  m = WEEK.exec(period);
  if (m) {
    const jan4 = new Date(Date.UTC(Number(m[1]), 0, 4));
    const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() || 7) - 1) * 86_400_000);
    return new Date(monday.getTime() + (Number(m[2]) - 1) * 7 * 86_400_000);
  }
  m = YEAR.exec(period);
  if (m) return new Date(Date.UTC(Number(m[1]), 0, 1));
  return undefined;
}

const DURATION = /^(\d{1,5})([hdw])$/;
const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/**
 * `since` as people write it: a duration back from now (`36h`, `7d`, `2w`) or a date or timestamp
 * (`2022-09-20`, `2022-09-20T06:00:00Z`). Returns the instant, or a reason it is not valid.
 */
export function parseSince(text: string, now: Date): { at: Date } | { problem: string } {
  const duration = DURATION.exec(text);
  if (duration) {
    const unit = duration[2] as keyof typeof UNIT_MS;
    return { at: new Date(now.getTime() - Number(duration[1]) * UNIT_MS[unit]) };
  }
  if (DAY.test(text)) {
    const problem = periodProblem(text);
    return problem ? { problem } : { at: new Date(`${text}T00:00:00.000Z`) };
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(text) && !Number.isNaN(Date.parse(text))) {
    return { at: new Date(text) };
  }
  return { problem: 'must be a duration such as 36h, 7d or 2w, a date (2022-09-20) or a timestamp with a zone (2022-09-20T06:00:00Z)' };
}
