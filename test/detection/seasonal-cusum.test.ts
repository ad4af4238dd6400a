import { describe, expect, it } from 'vitest';
import { createDetector } from '../../functions/detection/index';
import { dayIndex, dayKey, weekdayOf } from '../../functions/detection/periods';
import { countVariance, deviation, logLikelihoodRatio, seasonalCusum } from '../../functions/detection/seasonal-cusum';
import type { DetectionContext, Evaluation, SeriesPoint } from '../../functions/detection/types';
import { dailySeries, FINLAND_SEPT_2022 } from './fixtures/series';

const day: DetectionContext = { seriesId: 'test', granularity: 'day' };
const detector = seasonalCusum();

/** Evaluates every point the way the pipeline does: the last windowSize points, ending with it. */
function evaluateAll(points: readonly SeriesPoint[], context: DetectionContext = day): Evaluation[] {
  const size = detector.windowSize(context.granularity);
  return points.map((_, i) => detector.evaluate(points.slice(Math.max(0, i - size + 1), i + 1), context));
}

function verdictOn(points: readonly SeriesPoint[], period: string, context: DetectionContext = day): Evaluation {
  const i = points.findIndex((p) => p.period === period);
  const size = detector.windowSize(context.granularity);
  return detector.evaluate(points.slice(Math.max(0, i - size + 1), i + 1), context);
}

/** 12 weeks of history starting on a Monday. */
const start = '2023-01-02';
const firstSaturdayAfter = (from: number) => {
  let d = dayIndex(start)! + from;
  while (weekdayOf(d) !== 5) d++;
  return dayKey(d);
};

describe('seasonal-cusum on the September 2022 Finnish surge', () => {
  const verdicts = evaluateAll(FINLAND_SEPT_2022, { ...day, country: 'FI' });

  it('alerts on 21 or 22 September, when Russians entering nearly doubled after the mobilization', () => {
    const first = verdicts.find((v) => v.status === 'anomaly');
    expect(['2022-09-21', '2022-09-22']).toContain(first?.period);
    expect(first?.direction).toBe('up');
  });

  it('raises nothing in the days before the mobilization', () => {
    expect(verdicts.filter((v) => v.period < '2022-09-21' && v.status === 'anomaly')).toEqual([]);
  });

  it('says "not enough history" for the first figures instead of guessing', () => {
    expect(verdicts[0]!.status).toBe('insufficient-history');
  });

  it('is the project default, so the demo alerts on this surge without configuration', () => {
    const d = createDetector();
    expect(d.name).toBe('seasonal-cusum');
  });
});

describe('seasonal-cusum expectations', () => {
  it('treats an ordinary Saturday peak (1.8 x a weekday) as normal', () => {
    const points = dailySeries({ start, days: 84, level: 1000 });
    const saturday = firstSaturdayAfter(70);
    const v = verdictOn(points, saturday);
    expect(v.status).toBe('normal');
    expect(v.evidence.method).toBe('same-weekday');
    // ... where the naive "today >= 2 x yesterday"-style rules see a jump.
    const i = points.findIndex((p) => p.period === saturday);
    expect(points[i]!.value / points[i - 1]!.value).toBeGreaterThan(1.3);
  });

  it('expects the same weekday of the previous weeks, not yesterday', () => {
    const points = dailySeries({ start, days: 84, level: 1000 });
    const saturday = firstSaturdayAfter(70);
    const v = verdictOn(points, saturday);
    const value = points.find((p) => p.period === saturday)!.value;
    expect(v.expected! / value).toBeGreaterThan(0.85);
    expect(v.expected! / value).toBeLessThan(1.15);
  });

  it('falls back to the last reported values when a series is too sparse for a weekday model', () => {
    const v = verdictOn(FINLAND_SEPT_2022, '2022-09-20');
    expect(v.evidence.method).toBe('recent');
  });
});

describe('seasonal-cusum alarms', () => {
  it('alerts on a one-day tripling the same day, as a surge', () => {
    const spikeDay = firstSaturdayAfter(70);
    const points = dailySeries({ start, days: 84, level: 1000, edit: (d, v) => (d === spikeDay ? v * 3 : v) });
    const v = verdictOn(points, spikeDay);
    expect(v.status).toBe('anomaly');
    expect(v.direction).toBe('up');
    expect(v.kind).toBe('surge');
    expect(v.severity).toBe('critical');
  });

  it('alerts on a lasting x1.5 step within a few days although no single day is extreme', () => {
    const onset = 70;
    const points = dailySeries({ start, days: 84, level: 1000, edit: (_d, v, i) => (i >= onset ? Math.round(v * 1.5) : v) });
    const verdicts = evaluateAll(points).slice(onset);
    const first = verdicts.findIndex((v) => v.status === 'anomaly');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThanOrEqual(3);
    expect(verdicts[first]!.direction).toBe('up');
  });

  it('alerts on a closure as a drop', () => {
    const onset = 70;
    const points = dailySeries({ start, days: 80, level: 1000, edit: (_d, v, i) => (i >= onset ? Math.round(v * 0.1) : v) });
    const v = evaluateAll(points)[onset]!;
    expect(v.status).toBe('anomaly');
    expect(v.direction).toBe('down');
    expect(v.kind).toBe('drop');
  });

  it('carries the expected value, the ratio and the evidence with every anomaly', () => {
    const spikeDay = firstSaturdayAfter(70);
    const points = dailySeries({ start, days: 84, level: 1000, edit: (d, v) => (d === spikeDay ? v * 3 : v) });
    const v = verdictOn(points, spikeDay);
    expect(v.expected).toBeGreaterThan(0);
    expect(v.ratio).toBeCloseTo(v.value / v.expected!, 1);
    expect(v.evidence).toMatchObject({ method: 'same-weekday', thresholds: expect.any(Object) });
    expect(v.scores!.up).toBeGreaterThanOrEqual(1);
  });

  it('alarms exactly where its score reaches the threshold scale', () => {
    const points = dailySeries({ start, days: 84, level: 300, wiggle: 0.3 });
    for (const c of [0.3, 0.6, 1]) {
      const scaled = seasonalCusum({ thresholdScale: c });
      const plain = evaluateAll(points);
      points.forEach((_, i) => {
        const size = scaled.windowSize('day');
        const v = scaled.evaluate(points.slice(Math.max(0, i - size + 1), i + 1), day);
        const s = plain[i]!.scores;
        expect(v.status === 'anomaly').toBe(s !== undefined && Math.max(s.up, s.down) >= c);
      });
    }
  });
});

describe('seasonal-cusum on messy data', () => {
  it('does not take a partial-day (provisional) figure for a collapse', () => {
    const points = dailySeries({ start, days: 80, level: 1000 });
    const last = points.at(-1)!;
    const partial = { ...last, value: Math.round(last.value * 0.2) };
    const v = detector.evaluate([...points.slice(0, -1), { ...partial, provisional: true }], day);
    expect(v.status).toBe('normal');
    expect(v.scores!.down).toBe(0);
    // The same figure as a complete day is a collapse.
    expect(detector.evaluate([...points.slice(0, -1), partial], day).direction).toBe('down');
  });

  it('still alerts when even a partial-day figure is far above a full day', () => {
    const points = dailySeries({ start, days: 80, level: 1000 });
    const last = points.at(-1)!;
    const v = detector.evaluate([...points.slice(0, -1), { ...last, value: last.value * 3, provisional: true }], day);
    expect(v.status).toBe('anomaly');
    expect(v.direction).toBe('up');
  });

  it('nets a catch-up day after a missing report against the shortfall instead of calling it a surge', () => {
    const gap = 71;
    const points = dailySeries({
      start,
      days: 73,
      level: 1000,
      weekly: [1, 1, 1, 1, 1, 1, 1],
      edit: (_d, v, i) => (i === gap ? undefined : i === gap + 1 ? v * 2 : v),
    });
    const v = detector.evaluate(points, day);
    expect(v.status).toBe('normal');
    expect(v.evidence.netted).toBeLessThan(v.value);
    // Without netting the same day would be a surge.
    expect(seasonalCusum({ backlogPeriods: 0 }).evaluate(points, day).status).toBe('anomaly');
  });

  it('nets a catch-up day after a holiday against the holiday shortfall', () => {
    // Finland, Epiphany (Friday 6 January 2023) at a fifth of its traffic, the backlog arriving on Saturday.
    const points = dailySeries({
      start: '2022-10-10',
      days: 90,
      level: 1000,
      edit: (d, v) => (d === '2023-01-06' ? Math.round(v * 0.2) : d === '2023-01-07' ? v + 1000 : v),
    });
    const v = verdictOn(points, '2023-01-07', { ...day, country: 'FI' });
    expect(v.status).toBe('normal');
    // Without netting, the same Saturday is a surge.
    const i = points.findIndex((p) => p.period === '2023-01-07');
    const size = detector.windowSize('day');
    expect(seasonalCusum({ backlogPeriods: 0 }).evaluate(points.slice(i + 1 - size, i + 1), { ...day, country: 'FI' }).status).toBe('anomaly');
  });

  it('does not alert on a public holiday running at x1.5 or x0.5', () => {
    for (const factor of [1.5, 0.5]) {
      const points = dailySeries({ start: '2022-10-10', days: 90, level: 1000, edit: (d, v) => (d === '2022-12-06' ? v * factor : v) });
      expect(verdictOn(points, '2022-12-06', { ...day, country: 'FI' }).status).toBe('normal');
      // The same day in a country where it is no holiday is an anomaly.
      expect(verdictOn(points, '2022-12-06', { ...day, country: 'US' }).status).toBe('anomaly');
    }
  });

  it('ignores NaN, negative and infinite history values (missing, not zero)', () => {
    const clean = dailySeries({ start, days: 80, level: 1000 });
    const dirty = clean.map((p, i) => (i === 60 ? { ...p, value: Number.NaN } : i === 61 ? { ...p, value: -5 } : i === 62 ? { ...p, value: Number.POSITIVE_INFINITY } : p));
    const withoutThem = clean.filter((_, i) => i < 60 || i > 62);
    const a = detector.evaluate(dirty, day);
    const b = detector.evaluate(withoutThem, day);
    expect(a.status).toBe(b.status);
    expect(a.expected).toBe(b.expected);
    expect(a.evidence.dropped).toMatchObject({ invalid: 3 });
  });

  it('answers "not enough history" (no error, no alert) for a NaN, negative or infinite value under test', () => {
    const history = dailySeries({ start, days: 40, level: 1000 });
    for (const value of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      const v = detector.evaluate([...history, { period: '2023-02-11', value }], day);
      expect(v.status).toBe('insufficient-history');
      expect(v.evidence.reason).toBe('invalid-value');
    }
  });

  it('gives the same verdict on duplicated and unsorted history as on the clean window', () => {
    const clean = dailySeries({ start, days: 80, level: 1000 });
    const body = clean.slice(0, -1);
    const messy = [...body.slice(40), ...body.slice(0, 40), body[10]!, body[50]!, clean.at(-1)!];
    const a = detector.evaluate(messy, day);
    const b = detector.evaluate(clean, day);
    expect(a.status).toBe(b.status);
    expect(a.expected).toBe(b.expected);
    expect(a.scores).toEqual(b.scores);
  });

  it('keeps the later of two figures for the same period (the revision)', () => {
    const clean = dailySeries({ start, days: 80, level: 1000 });
    const target = clean[75]!;
    const revised = [...clean.slice(0, 75), { ...target, value: 1 }, target, ...clean.slice(76)];
    expect(detector.evaluate(revised, day).expected).toBe(detector.evaluate(clean, day).expected);
  });

  it('answers "not enough history" when the window is shorter than the baseline needs', () => {
    const v = detector.evaluate(dailySeries({ start, days: 3, level: 1000 }), day);
    expect(v.status).toBe('insufficient-history');
    expect(v.evidence.reason).toBe('short-history');
  });

  it('stays quiet on a series that is all zeros, and on +1 over a flat low series', () => {
    const zeros = dailySeries({ start, days: 80, level: 0 });
    expect(evaluateAll(zeros).filter((v) => v.status === 'anomaly')).toEqual([]);
    const flat = dailySeries({ start, days: 80, level: 3, weekly: [1, 1, 1, 1, 1, 1, 1], wiggle: 0, edit: (_d, v, i) => (i === 79 ? v + 1 : v) });
    expect(detector.evaluate(flat, day).status).toBe('normal');
  });

  it('finds a lasting doubling of a very low series (~10 a day) by pooling a week, not on its first day', () => {
    const onset = 70;
    const points = dailySeries({ start, days: 84, level: 10, weekly: [1, 1, 1, 1, 1, 1, 1], edit: (_d, v, i) => (i >= onset ? v * 2 : v) });
    const verdicts = evaluateAll(points).slice(onset);
    const first = verdicts.findIndex((v) => v.status === 'anomaly');
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(7);
  });

  it('judges weekly and monthly series on their last reported values', () => {
    const months: SeriesPoint[] = Array.from({ length: 24 }, (_, i) => ({
      period: `${2019 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
      value: i === 23 ? 300 : 1000 + 30 * Math.sin(i),
    }));
    const v = detector.evaluate(months, { seriesId: 'm', granularity: 'month' });
    expect(v.status).toBe('anomaly');
    expect(v.direction).toBe('down');
    const weeks: SeriesPoint[] = Array.from({ length: 20 }, (_, i) => ({ period: `2022-W${String(i + 1).padStart(2, '0')}`, value: i === 19 ? 2500 : 1000 + 20 * Math.cos(i) }));
    expect(detector.evaluate(weeks, { seriesId: 'w', granularity: 'week' }).direction).toBe('up');
  });
});

describe('seasonal-cusum noise scale', () => {
  it("adds the counting noise expected at the level to the series's own noise: most of the scale at 30 a day, none at 3000", () => {
    const at = (level: number) => verdictOn(dailySeries({ start, days: 84, level }), firstSaturdayAfter(70));
    const low = at(30);
    const high = at(3000);
    const sigma = (v: Evaluation) => v.evidence.sigma as number;
    const beyond = (v: Evaluation) => v.evidence.sigmaBeyondCounting as number;
    expect(sigma(low) ** 2).toBeCloseTo(beyond(low) ** 2 + countVariance(low.expected!, 4), 2);
    expect(countVariance(low.expected!, 4)).toBeGreaterThan(beyond(low) ** 2);
    expect(sigma(high)).toBeCloseTo(beyond(high), 2);
    expect(countVariance(30, 4)).toBeCloseTo((1 + Math.PI / 8) / 31, 10);
  });

  it('judges each period on the counting noise at its own expectation (a quiet weekday is noisier than a peak day)', () => {
    const points = dailySeries({ start, days: 84, level: 30 });
    const saturday = verdictOn(points, firstSaturdayAfter(70));
    const tuesday = verdictOn(points, dayKey(dayIndex(firstSaturdayAfter(70))! + 3));
    expect(tuesday.expected!).toBeLessThan(saturday.expected!);
    expect(tuesday.evidence.sigma as number).toBeGreaterThan(saturday.evidence.sigma as number);
  });

  it('keeps the former scale (a floor, not a sum) when configured with noiseModel "floor"', () => {
    const points = dailySeries({ start, days: 84, level: 30 });
    const period = firstSaturdayAfter(70);
    const i = points.findIndex((p) => p.period === period);
    const d = seasonalCusum({ noiseModel: 'floor' });
    const v = d.evaluate(points.slice(Math.max(0, i - d.windowSize('day') + 1), i + 1), day);
    expect(v.evidence.sigmaBeyondCounting).toBeUndefined();
    expect(v.evidence.sigma as number).toBeLessThan(verdictOn(points, period).evidence.sigma as number);
  });
});

describe('seasonal-cusum thresholds per arm and noise-scale centre', () => {
  const judgeWith = (d: ReturnType<typeof seasonalCusum>, points: readonly SeriesPoint[], i: number) =>
    d.evaluate(points.slice(Math.max(0, i - d.windowSize('day') + 1), i + 1), day);

  it('judges each up step against cusum x its own factor (x2: 0.75 by default), so two doubled days at 30 a day can cross', () => {
    const onset = 70;
    const points = dailySeries({ start, days: 84, level: 30, edit: (_d, v, i) => (i >= onset ? v * 2 : v) });
    const at = (factor: number) => judgeWith(seasonalCusum({ cusumSteps: [2], cusumStepFactors: [factor] }), points, onset + 1).evidence.cusumUp as number;
    expect(at(1)).toBeGreaterThan(0);
    expect(at(0.75)).toBeCloseTo(at(1) / 0.75, 2);
    expect(seasonalCusum().evaluate(points.slice(0, onset + 2), day).status).toBe('anomaly');
  });

  it('judges drops against cusum x cusumDropFactor (1.5) and shewhart x shewhartDropFactor (1.25)', () => {
    const onset = 70;
    const points = dailySeries({ start, days: 84, level: 300, edit: (_d, v, i) => (i >= onset ? Math.round(v * 0.6) : v) });
    const cusumDown = (cusumDropFactor: number) => judgeWith(seasonalCusum({ cusumDropFactor }), points, onset + 2).evidence.cusumDown as number;
    expect(cusumDown(1)).toBeGreaterThan(0);
    expect(cusumDown(1.5)).toBeCloseTo(cusumDown(1) / 1.5, 2);
    // A one-day dip to 30 %: far beyond the one-day drop threshold, and its score scales with the factor.
    const dip = dailySeries({ start, days: 84, level: 300, edit: (_d, v, i) => (i === 80 ? Math.round(v * 0.3) : v) });
    const down = (shewhartDropFactor: number) => judgeWith(seasonalCusum({ shewhartDropFactor }), dip, 80).scores!.down;
    expect(down(1.25)).toBeGreaterThan(1);
    expect(down(1.25)).toBeCloseTo(down(1) / 1.25, 6);
  });

  it('keeps weekly and monthly series on symmetric drop thresholds and a median-centred scale unless the source sets them', () => {
    // A trending monthly series (its last-k baseline lags), then a drop to 62 %: March 2020 at San Ysidro in miniature.
    const months: SeriesPoint[] = Array.from({ length: 40 }, (_, i) => ({
      period: `${2017 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
      value: Math.round((i === 39 ? 0.62 : 1) * (100_000 + 1_500 * i + 6_000 * Math.sin(i * 1.3))),
    }));
    const month: DetectionContext = { seriesId: 'm', granularity: 'month' };
    const judged = (d: ReturnType<typeof seasonalCusum>) => d.evaluate(months, month);
    const thresholds = (v: Evaluation) => v.evidence.thresholds as Record<string, unknown>;
    expect(thresholds(judged(seasonalCusum()))).toMatchObject({ cusumDropFactor: 1, shewhartDropFactor: 1 });
    expect(judged(seasonalCusum()).direction).toBe('down');
    // The daily defaults, set explicitly, hold for a monthly series too, and make this drop a month late.
    const dailyDefaults = seasonalCusum({ scaleCenter: 'zero', cusumDropFactor: 1.5, shewhartDropFactor: 1.25 });
    expect(thresholds(judged(dailyDefaults))).toMatchObject({ cusumDropFactor: 1.5, shewhartDropFactor: 1.25 });
    expect(judged(dailyDefaults).scores!.down).toBeLessThan(judged(seasonalCusum()).scores!.down);
    // Daily series get the daily defaults.
    expect(thresholds(seasonalCusum().evaluate(dailySeries({ start, days: 84, level: 300 }), day))).toMatchObject({ cusumDropFactor: 1.5, shewhartDropFactor: 1.25 });
  });

  it('adds up Student-t likelihood ratios: an outlying day is weak evidence of a step, unlike under the Gaussian', () => {
    const d = deviation(1.5);
    const v = 0.12 ** 2;
    expect(logLikelihoodRatio(0.3, d, v, 0)).toBeCloseTo((d * 0.3 - (d * d) / 2) / v, 10);
    expect(logLikelihoodRatio(d, d, v, 5)).toBeGreaterThan(0);
    expect(logLikelihoodRatio(0, d, v, 5)).toBeLessThan(0);
    // Ten times the step: the Gaussian ratio grows tenfold and more, the t ratio shrinks.
    expect(logLikelihoodRatio(10 * d, d, v, 0)).toBeGreaterThan(10 * logLikelihoodRatio(d, d, v, 0));
    expect(logLikelihoodRatio(10 * d, d, v, 5)).toBeLessThan(0.5 * logLikelihoodRatio(d, d, v, 5));
    // Many degrees of freedom: close to the Gaussian.
    expect(logLikelihoodRatio(d, d, v, 1e6)).toBeCloseTo(logLikelihoodRatio(d, d, v, 0), 3);
  });

  it('counts a baseline that lags a steady rise as noise (scaleCenter "zero"), not only the spread around the lag', () => {
    // 0.8 % a day: the 4-week same-weekday median runs about 13 % behind.
    const points = dailySeries({ start, days: 84, level: 3000, edit: (_d, v, i) => Math.round(v * Math.exp(0.008 * i)) });
    const beyond = (scaleCenter: 'zero' | 'median') => judgeWith(seasonalCusum({ scaleCenter }), points, 83).evidence.sigmaBeyondCounting as number;
    expect(beyond('zero')).toBeGreaterThan(beyond('median') + 0.05);
  });

  it('gives the 7-period-sum arm of a low series the variance of the whole model, not the counting of the value alone', () => {
    const points = dailySeries({ start, days: 84, level: 10, weekly: [1, 1, 1, 1, 1, 1, 1], wiggle: 0.3, edit: (_d, v, i) => (i >= 77 ? v * 2 : v) });
    const pooled = (pooledVariance: 'model' | 'counting') => judgeWith(seasonalCusum({ pooledVariance }), points, 83).evidence.pooled as { ratio: number; z: number };
    expect(pooled('model').ratio).toBe(pooled('counting').ratio);
    expect(pooled('model').z).toBeGreaterThan(0);
    expect(pooled('model').z).toBeLessThan(0.9 * pooled('counting').z);
  });
});

describe('seasonal-cusum cost', () => {
  it('needs no more than its bounded window: the verdict on the last windowSize points equals the verdict on the whole history', () => {
    const points = dailySeries({ start: '2022-01-03', days: 400, level: 500, wiggle: 0.2 });
    const size = detector.windowSize('day');
    expect(size).toBeLessThan(120);
    for (const end of [200, 300, 399]) {
      const full = detector.evaluate(points.slice(0, end + 1), day);
      const windowed = detector.evaluate(points.slice(end + 1 - size, end + 1), day);
      expect(windowed.scores).toEqual(full.scores);
      expect(windowed.expected).toBe(full.expected);
    }
  });
});

describe('seasonal-cusum guarded baseline (option, not the default)', () => {
  const guarded = seasonalCusum({ baseline: 'guarded', levelDays: 14 });
  const judge = (d: ReturnType<typeof seasonalCusum>, points: readonly SeriesPoint[], i: number) =>
    d.evaluate(points.slice(Math.max(0, i - d.windowSize('day') + 1), i + 1), day);

  it('expects level x weekday profile, so an ordinary Saturday peak is normal', () => {
    const points = dailySeries({ start, days: 98, level: 1000 });
    const i = points.findIndex((p) => p.period === firstSaturdayAfter(84));
    const v = judge(guarded, points, i);
    expect(v.status).toBe('normal');
    expect(v.evidence.method).toBe('guarded');
    expect(v.expected! / points[i]!.value).toBeGreaterThan(0.85);
    expect(v.expected! / points[i]!.value).toBeLessThan(1.15);
  });

  it('never lets the last `guard` days into the baseline: a step 6 days old is still judged against its pre-step level', () => {
    const onset = 84;
    const points = dailySeries({ start, days: 98, level: 1000, edit: (_d, v, i) => (i >= onset ? Math.round(v * 1.5) : v) });
    const clean = dailySeries({ start, days: 98, level: 1000 });
    const at = onset + 6;
    const v = judge(guarded, points, at);
    const w = judge(guarded, clean, at);
    expect(v.expected).toBeCloseTo(w.expected!, 6);
    expect(v.ratio!).toBeGreaterThan(1.35);
  });

  it('needs a longer but still bounded window (one Query)', () => {
    expect(guarded.windowSize('day')).toBe(7 + 56 + 28 + 14 + 2 + 1);
    expect(seasonalCusum().windowSize('day')).toBe(87);
  });

  it('can guard the CUSUM arm only, keeping the same-weekday expectation for the day itself', () => {
    const d = seasonalCusum({ baseline: 'guarded', guardArms: 'cusum' });
    const points = dailySeries({ start, days: 98, level: 1000 });
    const v = judge(d, points, points.length - 1);
    expect(v.evidence.method).toBe('same-weekday');
  });
});
