import { builtInHolidays } from '../functions/detection/holidays';
import { dayIndex, dayKey, weekdayOf } from '../functions/detection/periods';
import type { SeriesPoint } from '../functions/detection/types';
import { rng, type Random } from './prng';

/**
 * Simulated daily border counts, realistic enough to calibrate against: a weekly profile with a
 * weekend peak, an annual cycle, slow drift, overdispersed (negative binomial) noise, public
 * holidays at x0.5 or x1.5, missing days, and outages whose count arrives the next day (backlog).
 */
export interface SimSpec {
  level: number;
  days: number;
  start: string;
  country: 'FI' | 'PL' | 'US';
  seed: number;
  /** Injected event: multiplies the mean from `onset` (a day offset) for `length` days. */
  event?: { onset: number; length: number; factor: number };
}

export interface SimSeries {
  points: SeriesPoint[];
  /** Day index of every simulated day (reported or not), for locating the onset. */
  startIndex: number;
  country: string;
  /** The noise-free mean of every simulated day (for checks of the simulator itself). */
  means: number[];
}

/** A weekday profile (Mon..Sun) with a Friday-Saturday peak, as on the Finnish eastern border. */
function weeklyProfile(r: Random): number[] {
  const peak = 1.5 + 0.4 * r.uniform(); // Saturday ~1.5-1.9 x a weekday
  const raw = [0.9, 0.85, 0.9, 1.0, 1.2 + 0.2 * r.uniform(), peak, 1.0 + 0.3 * r.uniform()];
  const m = raw.reduce((a, b) => a + b, 0) / 7;
  return raw.map((v) => v / m);
}

export function simulate(spec: SimSpec): SimSeries {
  const r = rng(spec.seed);
  const profile = weeklyProfile(r);
  const amplitude = 0.1 + 0.2 * r.uniform();
  const phase = r.uniform() * 365;
  const drift = (r.uniform() - 0.5) * 0.4; // +-20 % a year
  const size = 20 + 60 * r.uniform(); // NB size: ~10-22 % extra noise at high levels
  const holidayEffect = new Map<number, number>();
  const startIndex = dayIndex(spec.start)!;
  let walk = 0;
  const means: number[] = [];
  for (let d = 0; d < spec.days; d++) {
    const index = startIndex + d;
    walk += 0.004 * r.normal();
    walk *= 0.995; // a slow, mean-reverting wander of the level
    let mu = spec.level * profile[weekdayOf(index)]! * (1 + amplitude * Math.sin((2 * Math.PI * (d + phase)) / 365));
    mu *= Math.exp(walk + (drift * d) / 365);
    if (builtInHolidays(dayKey(index), spec.country)) {
      if (!holidayEffect.has(index)) holidayEffect.set(index, r.uniform() < 0.6 ? 0.5 : 1.5);
      mu *= holidayEffect.get(index)!;
    }
    const ev = spec.event;
    if (ev && d >= ev.onset && d < ev.onset + ev.length) mu *= ev.factor;
    means.push(mu);
  }
  const points: SeriesPoint[] = [];
  let carried = 0;
  for (let d = 0; d < spec.days; d++) {
    const count = r.negBinomial(means[d]!, size) + carried;
    carried = 0;
    const u = r.uniform();
    // Outages and missing reports never hit the onset day itself: the event must be observable.
    const protectedDay = spec.event !== undefined && d === spec.event.onset;
    if (!protectedDay && u < 0.01) {
      carried = count; // outage: the count is reported with the next day (a backlog)
      continue;
    }
    if (!protectedDay && u < 0.025) continue; // a missing report: the count is lost
    points.push({ period: dayKey(startIndex + d), value: count });
  }
  return { points, startIndex, country: spec.country, means };
}
