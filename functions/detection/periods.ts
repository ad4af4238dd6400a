import type { Granularity } from '../core/model';

/**
 * Period keys as integers: consecutive periods of a granularity differ by exactly 1, so gaps
 * (missing reports) and "same weekday a week earlier" are plain arithmetic.
 */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK = /^(\d{4})-W(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` key; undefined for anything that is not a real calendar day. */
export function dayIndex(period: string): number | undefined {
  const m = DAY.exec(period);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Rejects 2022-02-30 and friends, which Date.UTC would silently roll over.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / MS_PER_DAY;
}

export function dayKey(index: number): string {
  return new Date(index * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Monday = 0 ... Sunday = 6. */
export function weekdayOf(index: number): number {
  // 1970-01-01 was a Thursday (3).
  return (((index + 3) % 7) + 7) % 7;
}

/** Index of an ISO week `YYYY-Www`: the day index of its Monday divided by 7. */
function weekIndex(period: string): number | undefined {
  const m = WEEK.exec(period);
  if (!m) return undefined;
  const [y, w] = [Number(m[1]), Number(m[2])];
  if (w < 1 || w > 53) return undefined;
  // ISO week 1 contains January 4th.
  const jan4 = Date.UTC(y, 0, 4) / MS_PER_DAY;
  const mondayOfWeek1 = jan4 - weekdayOf(jan4);
  const monday = mondayOfWeek1 + (w - 1) * 7;
  if (w === 53) {
    // Only years whose week 53 still contains a Thursday of that year have one.
    const thursday = new Date((monday + 3) * MS_PER_DAY);
    if (thursday.getUTCFullYear() !== y) return undefined;
  }
  return (monday - 4) / 7; // 1970-01-05 was a Monday: integral for every Monday.
}

function monthIndex(period: string): number | undefined {
  const m = MONTH.exec(period);
  if (!m) return undefined;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  if (mo < 1 || mo > 12) return undefined;
  return y * 12 + (mo - 1);
}

/** The integer index of a period key, or undefined when the key does not match the granularity. */
export function periodIndex(period: string, granularity: Granularity): number | undefined {
  switch (granularity) {
    case 'day':
      return dayIndex(period);
    case 'week':
      return weekIndex(period);
    case 'month':
      return monthIndex(period);
  }
}
