import { dayIndex, dayKey, weekdayOf } from './periods';

/**
 * Public holidays as a covariate: border traffic on a holiday (and the eve of the big ones) runs
 * far from its weekday pattern. A small rule table instead of a calendar package: the complete
 * worldwide package (date-holidays) adds ~1.4 MB minified to the detection bundle for a dozen
 * countries we need. A series whose country is not listed simply gets no holiday adjustment;
 * a caller can pass its own calendar to the detector.
 */
export type HolidayCalendar = (day: string, country: string | undefined) => boolean;

type Rule =
  /** Fixed month-day, from an optional first year. */
  | { fixed: string; from?: number; until?: number }
  /** Days after Easter Sunday (Gregorian). */
  | { easter: number }
  /** The n-th given weekday (0 = Monday) of a month; n = -1 is the last. */
  | { month: number; weekday: number; nth: number }
  /** The given weekday that falls between two month-days (Finnish Midsummer, All Saints). */
  | { weekday: number; between: [string, string] };

const RULES: Record<string, readonly Rule[]> = {
  FI: [
    { fixed: '01-01' }, { fixed: '01-06' }, { easter: -2 }, { easter: 0 }, { easter: 1 }, { fixed: '05-01' },
    { easter: 39 }, { easter: 49 },
    { weekday: 4, between: ['06-19', '06-25'] }, // Midsummer Eve: not official, but the country stops
    { weekday: 5, between: ['06-20', '06-26'] },
    { weekday: 5, between: ['10-31', '11-06'] },
    { fixed: '12-06' }, { fixed: '12-24' }, { fixed: '12-25' }, { fixed: '12-26' },
  ],
  PL: [
    { fixed: '01-01' }, { fixed: '01-06' }, { easter: 0 }, { easter: 1 }, { fixed: '05-01' }, { fixed: '05-03' },
    { easter: 49 }, { easter: 60 }, { fixed: '08-15' }, { fixed: '11-01' }, { fixed: '11-11' },
    { fixed: '12-24', from: 2025 }, { fixed: '12-25' }, { fixed: '12-26' },
  ],
  EE: [
    { fixed: '01-01' }, { fixed: '02-24' }, { easter: -2 }, { easter: 0 }, { fixed: '05-01' }, { easter: 49 },
    { fixed: '06-23' }, { fixed: '06-24' }, { fixed: '08-20' }, { fixed: '12-24' }, { fixed: '12-25' }, { fixed: '12-26' },
  ],
  NO: [
    { fixed: '01-01' }, { easter: -3 }, { easter: -2 }, { easter: 0 }, { easter: 1 }, { fixed: '05-01' },
    { fixed: '05-17' }, { easter: 39 }, { easter: 49 }, { easter: 50 }, { fixed: '12-25' }, { fixed: '12-26' },
  ],
  US: [
    { fixed: '01-01' }, { month: 1, weekday: 0, nth: 3 }, { month: 2, weekday: 0, nth: 3 },
    { month: 5, weekday: 0, nth: -1 }, { fixed: '06-19', from: 2021 }, { fixed: '07-04' },
    { month: 9, weekday: 0, nth: 1 }, { month: 10, weekday: 0, nth: 2 }, { fixed: '11-11' },
    { month: 11, weekday: 3, nth: 4 }, { fixed: '12-25' },
  ],
  MX: [
    { fixed: '01-01' }, { month: 2, weekday: 0, nth: 1 }, { month: 3, weekday: 0, nth: 3 }, { fixed: '05-01' },
    { fixed: '09-16' }, { month: 11, weekday: 0, nth: 3 }, { fixed: '12-25' },
  ],
};

export const HOLIDAY_COUNTRIES: readonly string[] = Object.keys(RULES);

/** Day index of Easter Sunday (anonymous Gregorian computus). */
function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

function md(year: number, monthDay: string): number {
  return dayIndex(`${year}-${monthDay}`) ?? Number.NaN;
}

function ruleDay(rule: Rule, year: number): number | undefined {
  if ('fixed' in rule) {
    if ((rule.from !== undefined && year < rule.from) || (rule.until !== undefined && year > rule.until)) return undefined;
    return md(year, rule.fixed);
  }
  if ('easter' in rule) return easterSunday(year) + rule.easter;
  if ('between' in rule) {
    const start = md(year, rule.between[0]);
    return start + ((rule.weekday - weekdayOf(start) + 7) % 7);
  }
  const mm = String(rule.month).padStart(2, '0');
  if (rule.nth > 0) {
    const first = md(year, `${mm}-01`);
    return first + ((rule.weekday - weekdayOf(first) + 7) % 7) + 7 * (rule.nth - 1);
  }
  const nextMonthFirst = rule.month === 12 ? md(year + 1, '01-01') : md(year, `${String(rule.month + 1).padStart(2, '0')}-01`);
  const last = nextMonthFirst - 1;
  return last - ((weekdayOf(last) - rule.weekday + 7) % 7);
}

const cache = new Map<string, ReadonlySet<number>>();

/** The holidays of one country and year, as day indexes (memoised: rules are evaluated once per year). */
export function holidaysOf(country: string, year: number): ReadonlySet<number> {
  const key = `${country}:${year}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const days = new Set<number>();
  for (const rule of RULES[country] ?? []) {
    const d = ruleDay(rule, year);
    if (d !== undefined && Number.isFinite(d)) days.add(d);
  }
  cache.set(key, days);
  return days;
}

/** The built-in calendar. */
export const builtInHolidays: HolidayCalendar = (day, country) => {
  if (!country) return false;
  const index = dayIndex(day);
  if (index === undefined) return false;
  return holidaysOf(country.toUpperCase(), Number(day.slice(0, 4))).has(index);
};

/** Holiday names are not needed by the detectors; this lists the dates, for docs and tests. */
export function holidayDays(country: string, year: number): string[] {
  return [...holidaysOf(country, year)].sort((a, b) => a - b).map(dayKey);
}
