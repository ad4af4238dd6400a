import type { Granularity } from '../core/model';
import { builtInHolidays, type HolidayCalendar } from './holidays';
import { severityOf } from './ratio-to-median';
import { median, robustSd } from './stats';
import type { DetectionContext, Detector, Evaluation, SeriesPoint } from './types';
import { cleanWindow, type CleanPoint } from './window';
import { weekdayOf } from './periods';

/**
 * The project's detector: a robust seasonal expectation per period, and two arms on the
 * log-ratio of value to expectation, each direction separately:
 * - Shewhart: one standardized log-ratio beyond `shewhart` (a big spike, alerted on the day);
 * - likelihood-ratio CUSUM for a sustained multiplicative step (x1.5 and x2 by default),
 *   recomputed over the last `cusumLength` points so the detector stays stateless.
 * Very low series swap the Shewhart arm for a test on the 7-period sum (pooling), because one
 * day of ~10 counts cannot show a doubling at a tolerable false-alarm rate.
 */
export interface SeasonalCusumOptions {
  /** Daily series: how many same-weekday values (one per week back) form the expectation. */
  weeks: number;
  /**
   * Fewer same-weekday values than this: fall back to the last `recentCount` reported values. Three is
   * the least for which a median shrugs off one artefact spike (the median of two is their mean).
   */
  minSameWeekday: number;
  /** Size of the last-k baseline (sparse daily series, weeks, months). */
  recentCount: number;
  /** Fewer baseline values than this: "insufficient-history". */
  minHistory: number;
  /** Shewhart arm: standardized log-ratio threshold. */
  shewhart: number;
  /** CUSUM arm: log-likelihood-ratio threshold. */
  cusum: number;
  /** Step sizes the CUSUM is tuned for (multiplicative, > 1; drops use the reciprocals). */
  cusumSteps: number[];
  /** Drops the CUSUM is tuned for, as divisors (2 = halved). Closures are large; a smaller step here costs false alarms. */
  dropSteps: number[];
  /** How many recent points the CUSUM runs over. */
  cusumLength: number;
  /** How many residuals before the CUSUM span estimate the noise scale. */
  scaleLength: number;
  /** Noise scale (sd of the log-ratio) assumed before the series has shown its own. */
  priorSigma: number;
  /** Weight of `priorSigma`, in residuals: shrinks the scale of short histories towards it. */
  priorWeight: number;
  /** Variance floor: the scale never goes below this plus the counting (Poisson) noise. */
  minSigma: number;
  /** Practical significance: a surge needs value >= minRatio x expected, a drop <= expected / minRatio. */
  minRatio: number;
  /** Practical significance in counts: |value - expected| below this never alarms (no alarm on +1). */
  minExcess: number;
  /** Expected level per period below which the Shewhart arm gives way to the 7-period sum. */
  lowLevel: number;
  /** 7-period-sum arm: standardized log-ratio threshold. */
  pooled: number;
  /** A value above expectation is first netted against the shortfall of this many preceding periods. */
  backlogPeriods: number;
  /** On a public holiday the log-ratio is shrunk by log(holidayMargin) towards 0. */
  holidayMargin: number;
  /** Also detect drops (closures). */
  drops: boolean;
  /** Multiplies every threshold (1 = as configured); used to calibrate at a given false-alarm rate. */
  thresholdScale: number;
  /**
   * 'level' (default): the series' noise beyond counting, shrunk towards priorSigma, plus each
   * period's own counting variance at its expectation (countVariance). 'floor': the former scale,
   * max(robust variance of the raw deviations shrunk towards priorSigma, minSigma^2 + 1/(e+1)).
   */
  noiseModel: 'floor' | 'level';
  /**
   * Daily expectation. 'same-weekday' (default): median of the last `weeks` same-weekday values.
   * 'guarded': a local level (median of the profile-adjusted values of days t-guard-levelDays ...
   * t-guard-1) times a weekday profile from the `profileWeeks` weeks before the guard band; the last
   * `guard` days never enter the baseline, so a step that began within them is still compared with
   * its pre-step level.
   */
  baseline: 'same-weekday' | 'guarded';
  /** Guarded baseline: the most recent periods excluded from it (the guard band). */
  guard: number;
  /** Guarded baseline: days in the local level. */
  levelDays: number;
  /** Guarded baseline: weeks in the weekday profile. */
  profileWeeks: number;
  /** Guarded baseline: 'both' arms use it, or only the 'cusum' arm (Shewhart keeps the same-weekday median). */
  guardArms: 'both' | 'cusum';
  /**
   * Centre of the robust noise scale: 'zero' (default) measures the residuals' spread around 0, so a
   * baseline that lags a seasonal rise or fall (residuals off 0 for weeks) widens the yardstick the
   * CUSUM is judged on; 'median' (the former scale) measures it around their median and ignores the lag.
   */
  scaleCenter: 'median' | 'zero';
  /**
   * Variance of the 7-period-sum arm: 'model' (default) sums each period's variance (noise beyond
   * counting and the counting noise of value and baseline) weighted by its expectation; 'counting'
   * (the former) is the value's counting variance alone, which left out the series' own noise and the
   * baseline's counting noise and alarmed too often at 30 a day.
   */
  pooledVariance: 'counting' | 'model';
  /**
   * CUSUM threshold per up step, as factors of `cusum` (parallel to cusumSteps; missing: 1). The x2
   * arm needs two days to cross for a next-day alert, the x1.5 arm has a week to gather evidence.
   */
  cusumStepFactors: number[];
  /**
   * Drop thresholds as factors of the up ones: `cusum` x cusumDropFactor for the drop CUSUM and
   * `shewhart` x shewhartDropFactor for a one-day drop. Closures are far beyond either; runs of
   * quiet days and one-day dips of ordinary noise are not.
   */
  cusumDropFactor: number;
  shewhartDropFactor: number;
  /**
   * Degrees of freedom of the Student-t likelihood ratio the CUSUM adds up (0: Gaussian, the former).
   * Under a t model a day far beyond the step carries little more evidence than a day at the step,
   * so two or three lucky days on a low baseline do not make a step, and the threshold can be lower.
   */
  cusumDf: number;
}

export const SEASONAL_CUSUM_DEFAULTS: SeasonalCusumOptions = {
  weeks: 4,
  minSameWeekday: 3,
  recentCount: 7,
  minHistory: 3,
  shewhart: 4.5,
  cusum: 5.5,
  cusumSteps: [1.5, 2],
  dropSteps: [2],
  cusumLength: 14,
  scaleLength: 28,
  priorSigma: 0.15,
  priorWeight: 6,
  minSigma: 0.05,
  minRatio: 1.25,
  minExcess: 5,
  lowLevel: 20,
  pooled: 4,
  backlogPeriods: 2,
  holidayMargin: 2,
  drops: true,
  thresholdScale: 1,
  noiseModel: 'level',
  baseline: 'same-weekday',
  guard: 7,
  levelDays: 7,
  profileWeeks: 8,
  guardArms: 'both',
  scaleCenter: 'zero',
  pooledVariance: 'model',
  cusumStepFactors: [0.9, 0.75],
  cusumDropFactor: 1.5,
  shewhartDropFactor: 1.25,
  cusumDf: 5,
};

/** A period below this share of its expectation left a backlog; above it, it was ordinary noise. */
const BACKLOG_CUT = 0.6;

/** Pseudo-count added to value and expectation: keeps the deviation finite on zeros. */
const OFFSET = 0.5;

/**
 * The deviation of a ratio value/expected: 3 (ratio^(1/3) - 1). Like log(ratio) near 1, but
 * multiplicative (gamma-like) noise is close to symmetric on it (Wilson-Hilferty), whereas on the
 * log scale its lower tail is heavy and drops would alarm far more often than surges.
 */
export function deviation(ratio: number): number {
  return 3 * (Math.cbrt(ratio) - 1);
}

interface Residual {
  point: CleanPoint;
  expected: number;
  /** Value after netting any backlog against the preceding shortfall. */
  netted: number;
  /** log((netted + c) / (expected + c)), shrunk on holidays. */
  r: number;
  method: 'same-weekday' | 'recent' | 'guarded';
  holiday: boolean;
  /** Counting (Poisson) variance of r: the value's and the baseline median's, see countVariance. */
  countVar: number;
}

/**
 * The variance of the deviation that counting noise alone causes at this expectation: about 1/e for
 * the value (delta method on the cube root) plus the variance of the baseline median of n values,
 * pi/(2n) times one value's. At 30 a day it is most of the noise; at 3000 it is nothing.
 */
export function countVariance(expected: number, baselineSize: number): number {
  return countVarianceOf(expected, medianFactor(baselineSize));
}

/** A median of n counts has about pi/(2n) times one count's variance. */
function medianFactor(n: number): number {
  return Math.PI / (2 * Math.max(1, n));
}

/** Counting variance of the deviation: the value's (1/(e+1)) plus the baseline's (factor/(e+1)). */
function countVarianceOf(expected: number, baselineFactor: number): number {
  return (1 + baselineFactor) / (expected + 1);
}

/**
 * Defaults found and validated on daily series only (the change of 2026-11-27, docs/detection.md).
 * Weekly and monthly series keep the former symmetric drop thresholds and median-centred scale unless
 * their source sets these options: on San Ysidro's monthly figures the daily defaults delayed the
 * pedestrians' March 2020 drop alert by a month.
 */
const NOT_DAILY: Pick<SeasonalCusumOptions, 'scaleCenter' | 'cusumDropFactor' | 'shewhartDropFactor'> = {
  scaleCenter: 'median',
  cusumDropFactor: 1,
  shewhartDropFactor: 1,
};

export function seasonalCusum(options: Partial<SeasonalCusumOptions> = {}, calendar: HolidayCalendar = builtInHolidays): Detector {
  const o = { ...SEASONAL_CUSUM_DEFAULTS, ...options };
  const unset = Object.fromEntries(Object.entries(NOT_DAILY).filter(([name]) => options[name as keyof typeof NOT_DAILY] === undefined));
  const notDaily: SeasonalCusumOptions = { ...o, ...unset };
  const daily = o;
  // Step sizes on the deviation scale, per direction (the scale is not symmetric in ratios).
  const stepsUp = o.cusumSteps.map((m) => deviation(m));
  const stepsDown = o.dropSteps.map((m) => -deviation(1 / m));
  // Baseline reach in periods: same-weekday weeks for days, last-k otherwise.
  const sameReach = (g: Granularity) => (g === 'day' ? Math.max(7 * (o.weeks + 2), o.recentCount) : o.recentCount);
  const guarded = o.baseline === 'guarded';
  const reach = (g: Granularity) =>
    g === 'day' && guarded ? Math.max(sameReach(g), o.guard + Math.max(o.levelDays, 7 * o.profileWeeks)) : sameReach(g);

  return {
    name: 'seasonal-cusum',
    // Points needed: the baseline of the oldest residual used for the scale, plus the scale span,
    // the CUSUM span and the backlog look-back. Bounded, so one Query reads it.
    windowSize: (g) => reach(g) + o.scaleLength + o.cusumLength + o.backlogPeriods + 1,
    evaluate(points: readonly SeriesPoint[], context: DetectionContext): Evaluation {
      const g = context.granularity;
      // The options in force for this granularity (shadows the outer `o` on purpose).
      const o = g === 'day' ? daily : notDaily;
      const win = cleanWindow(points, g);
      const last = points.at(-1);
      const cur = win.current;
      if (!cur) {
        return {
          period: last?.period ?? '',
          value: last?.value ?? Number.NaN,
          status: 'insufficient-history',
          evidence: { reason: 'invalid-value', detail: win.invalidReason, dropped: win.dropped },
        };
      }
      const all = [...win.history, cur];
      const byIndex = new Map(all.map((p) => [p.index, p]));
      const isHoliday = (p: CleanPoint) => g === 'day' && calendar(p.period, context.country);
      const holidayOf = new Map(all.map((p) => [p.index, isHoliday(p)]));
      // A point serves as a baseline only when it is a complete, ordinary period.
      const usable = (p: CleanPoint) => !p.provisional && !holidayOf.get(p.index);

      type Expectation = { value: number; method: Residual['method']; basis: string[]; countFactor: number };
      const baseCache = new Map<number, Expectation | null>();
      const baseExpectation = (index: number): Expectation | null => {
        const hit = baseCache.get(index);
        if (hit !== undefined) return hit;
        let result: Expectation | null = null;
        if (g === 'day') {
          // The last `weeks` usable same-weekday values, looking up to two weeks further back to
          // step over a holiday or a missing report (a weekday-blind fallback would misjudge peaks).
          const same: CleanPoint[] = [];
          for (let k = 1; k <= o.weeks + 2 && same.length < o.weeks; k++) {
            const p = byIndex.get(index - 7 * k);
            if (p && usable(p)) same.push(p);
          }
          if (same.length >= o.minSameWeekday) {
            result = { value: median(same.map((p) => p.value)), method: 'same-weekday', basis: same.map((p) => p.period), countFactor: medianFactor(same.length) };
          }
        }
        if (!result) {
          const recent: CleanPoint[] = [];
          const floor = index - sameReach(g);
          for (let i = all.length - 1; i >= 0 && recent.length < o.recentCount; i--) {
            const p = all[i]!;
            if (p.index >= index) continue;
            if (p.index < floor) break;
            if (usable(p)) recent.push(p);
          }
          if (recent.length >= o.minHistory) {
            result = { value: median(recent.map((p) => p.value)), method: 'recent', basis: recent.map((p) => p.period).reverse(), countFactor: medianFactor(recent.length) };
          }
        }
        baseCache.set(index, result);
        return result;
      };
      // Guarded baseline (daily series): level x weekday profile, both from before the guard band.
      const guardCache = new Map<number, Expectation | null>();
      const guardedExpectation = (index: number): Expectation | null => {
        if (g !== 'day') return baseExpectation(index);
        const hit = guardCache.get(index);
        if (hit !== undefined) return hit;
        let result: Expectation | null = null;
        const end = index - o.guard; // exclusive: days end-1, end-2, ... serve
        // Weekday profile: each day's share of its 7-day block's mean, median per weekday.
        const shares: number[][] = [[], [], [], [], [], [], []];
        for (let b = 0; b < o.profileWeeks; b++) {
          const block: CleanPoint[] = [];
          for (let j = end - 7 * (b + 1); j < end - 7 * b; j++) {
            const p = byIndex.get(j);
            if (p && usable(p)) block.push(p);
          }
          if (block.length < 5) continue;
          const m = block.reduce((a, p) => a + p.value, 0) / block.length;
          if (m <= 0) continue;
          for (const p of block) shares[weekdayOf(p.index)]!.push(p.value / m);
        }
        if (shares.every((x) => x.length >= o.minSameWeekday)) {
          const raw = shares.map((x) => median(x));
          const norm = raw.reduce((a, b) => a + b, 0) / 7;
          const profile = raw.map((x) => (norm > 0 ? x / norm : 1));
          const levelPoints: CleanPoint[] = [];
          for (let j = end - o.levelDays; j < end; j++) {
            const p = byIndex.get(j);
            if (p && usable(p)) levelPoints.push(p);
          }
          const minShare = Math.min(...profile);
          if (levelPoints.length >= Math.max(o.minHistory, Math.ceil(o.levelDays / 2)) && minShare > 0) {
            const level = median(levelPoints.map((p) => p.value / profile[weekdayOf(p.index)]!));
            const nShares = Math.min(...shares.map((x) => x.length));
            result = {
              value: level * profile[weekdayOf(index)]!,
              method: 'guarded',
              basis: levelPoints.map((p) => p.period),
              countFactor: medianFactor(levelPoints.length) + medianFactor(nShares),
            };
          }
        }
        if (!result) result = baseExpectation(index);
        guardCache.set(index, result);
        return result;
      };

      // One model per expectation: residuals, noise scale and CUSUM span.
      const modelOf = (expectationAt: (index: number) => Expectation | null) => {

        const residualOf = (p: CleanPoint): Residual | undefined => {
          const e = expectationAt(p.index);
          if (!e) return undefined;
          let netted = p.value;
          if (p.value > e.value && o.backlogPeriods > 0) {
            // A catch-up after a holiday, outage or missing report: net the excess against what the
            // preceding periods clearly fell short of (a missing period by all of it). Ordinary noise
            // is no backlog, and an excess already reported in between has paid part of it back.
            let owed = 0;
            for (let j = p.index - o.backlogPeriods; j < p.index; j++) {
              const prev = byIndex.get(j);
              if (prev?.provisional) continue;
              const ej = expectationAt(j)?.value;
              if (ej === undefined) continue;
              if (!prev) owed += ej;
              else if (prev.value < BACKLOG_CUT * ej || holidayOf.get(j)) owed = Math.max(0, owed + ej - prev.value);
              else owed = Math.max(0, owed - Math.max(0, prev.value - ej));
            }
            if (owed > 0) netted = Math.max(e.value, p.value - owed);
          }
          let r = deviation((netted + OFFSET) / (e.value + OFFSET));
          const holiday = holidayOf.get(p.index) === true;
          if (holiday) r = r > 0 ? Math.max(0, r - deviation(o.holidayMargin)) : Math.min(0, r - deviation(1 / o.holidayMargin));
          return { point: p, expected: e.value, netted, r, method: e.method, holiday, countVar: countVarianceOf(e.value, e.countFactor) };
        };

        const current = residualOf(cur);
        if (!current) return undefined;

        // The CUSUM span: the last points up to the current one. The scale comes from the residuals
        // before that span, so an ongoing event does not inflate the noise it is measured against.
        const spanPoints = all.slice(-(o.cusumLength + 1));
        const spanStart = spanPoints[0]!.index;
        const scaleResiduals: number[] = [];
        const scaleCountVar: number[] = [];
        for (let i = all.length - 1; i >= 0 && scaleResiduals.length < o.scaleLength; i--) {
          const p = all[i]!;
          if (p.index >= spanStart || !usable(p)) continue;
          // The raw log-ratio (no backlog netting): netting would shave the upper half of ordinary
          // noise and understate the scale. A real backlog day is one outlier the MAD ignores.
          const e = expectationAt(p.index);
          if (e) {
            scaleResiduals.push(deviation((p.value + OFFSET) / (e.value + OFFSET)));
            scaleCountVar.push(countVarianceOf(e.value, e.countFactor));
          }
        }
        const n = scaleResiduals.length;
        // Spread around 0 (default): a lagging baseline's bias is part of the error the CUSUM must tolerate.
        const center = o.scaleCenter === 'zero' ? 0 : undefined;
        const s = robustSd(scaleResiduals, center);
        let sigma2: (res: Residual) => number;
        let extra2: number | undefined;
        if (o.noiseModel === 'level') {
          // Level-aware scale: the series' own noise beyond counting (overdispersion, baseline lag),
          // shrunk towards the prior, plus each period's counting variance at its own expectation.
          // A quiet Tuesday of 20 is judged on its 20, a Saturday of 45 on its 45.
          const countPart = n ? scaleCountVar.reduce((a, b) => a + b, 0) / n : 0;
          const excess = Math.max(0, s * s - countPart);
          const beyond = Math.max(o.minSigma * o.minSigma, (n * excess + o.priorWeight * o.priorSigma * o.priorSigma) / (n + o.priorWeight));
          extra2 = beyond;
          sigma2 = (res) => beyond + res.countVar;
        } else {
          const sigmaData2 = (n * s * s + o.priorWeight * o.priorSigma * o.priorSigma) / (n + o.priorWeight);
          sigma2 = (res) => Math.max(sigmaData2, o.minSigma * o.minSigma + 1 / (res.expected + 1));
        }

        // CUSUM over the span, each direction and step size; provisional history points are skipped
        // and a provisional current point feeds only the upward arm (a partial day is no drop).
        const span: Residual[] = [];
        for (const p of spanPoints) {
          if (p.provisional && p !== cur) continue;
          const res = p === cur ? current : residualOf(p);
          if (res) span.push(res);
        }
        const cusumOf = (dir: 1 | -1) => {
          let best = 0;
          let bestRun: number[] = [];
          const steps = dir === 1 ? stepsUp : stepsDown;
          for (let si = 0; si < steps.length; si++) {
            const d = steps[si]!;
            // Each step's statistic in units of `cusum`, so that one threshold judges them all.
            const factor = dir === 1 ? (o.cusumStepFactors[si] ?? 1) : o.cusumDropFactor;
            let sum = 0;
            let run: number[] = [];
            for (const res of span) {
              if (dir === -1 && res.point.provisional) continue;
              const x = Math.min(dir * res.r, 2 * d); // winsorized: one wild value cannot carry a step alone
              sum = Math.max(0, sum + logLikelihoodRatio(x, d, sigma2(res), o.cusumDf));
              run = sum === 0 ? [] : [...run, res.r];
            }
            if (sum / factor > best) {
              best = sum / factor;
              bestRun = run;
            }
          }
          return { statistic: best, runRatio: bestRun.length ? Math.exp(bestRun.reduce((a, b) => a + b, 0) / bestRun.length) : 1, runLength: bestRun.length };
        };
        return { expectationAt, residualOf, current, sigma2, extra2, n, span, cusumOf };
      };
      const sameModel = !guarded || o.guardArms === 'cusum' ? modelOf(baseExpectation) : undefined;
      const guardModel = guarded ? modelOf(guardedExpectation) : undefined;
      // The Shewhart (and reported) side and the CUSUM side; the same model unless the guard is for the CUSUM only.
      const sm = guarded && o.guardArms === 'both' ? guardModel : sameModel;
      const cm = guarded ? guardModel : sameModel;
      const base = { period: cur.period, value: cur.value };
      if (!sm || !cm) {
        return {
          ...base,
          status: 'insufficient-history',
          evidence: { reason: 'short-history', history: win.history.length, needed: o.minHistory, dropped: win.dropped },
        };
      }
      const { current, sigma2, extra2, n, expectationAt } = sm;
      const span = cm.span;
      const up = cm.cusumOf(1);
      const down = cm.cusumOf(-1);

      const sigmaNow = Math.sqrt(sigma2(current));
      const z = current.r / sigmaNow;
      const ratio = (current.netted + OFFSET) / (current.expected + OFFSET);
      const excess = current.netted - current.expected;
      const low = current.expected < o.lowLevel;

      // Pooled arm for low series: the last 7 periods' sum against the sum of their expectations.
      let pooledZ = 0;
      let pooledRatio = 1;
      if (low) {
        const recent = span.filter((res) => res.point.index > cur.index - 7 && !res.point.provisional);
        const sumX = recent.reduce((a, res) => a + res.netted, 0);
        const sumE = recent.reduce((a, res) => a + res.expected, 0);
        pooledRatio = (sumX + OFFSET) / (sumE + OFFSET);
        const pooledVar =
          o.pooledVariance === 'model'
            ? o.minSigma * o.minSigma + recent.reduce((a, res) => a + res.expected * res.expected * cm.sigma2(res), 0) / Math.max(1, sumE * sumE)
            : o.minSigma * o.minSigma + 1 / (sumE + 1);
        pooledZ = deviation(pooledRatio) / Math.sqrt(pooledVar);
      }

      // Each arm has its own practical-significance gate: the day's ratio for the one-period arms,
      // the mean ratio over the CUSUM run for the CUSUM (so one quieter day inside a step does not
      // end the episode).
      const spikeUp = ratio >= o.minRatio && excess >= o.minExcess;
      const spikeDown = o.drops && !cur.provisional && ratio <= 1 / o.minRatio && -excess >= o.minExcess;
      const pooledUp = low && pooledRatio >= o.minRatio ? pooledZ / o.pooled : 0;
      const pooledDown = low && o.drops && pooledRatio <= 1 / o.minRatio ? -pooledZ / o.pooled : 0;
      const cusumUp = up.runRatio >= o.minRatio && cm.current.expected * (up.runRatio - 1) >= o.minExcess ? up.statistic / o.cusum : 0;
      const cusumDown =
        o.drops && down.runRatio <= 1 / o.minRatio && cm.current.expected * (1 - down.runRatio) >= o.minExcess ? down.statistic / o.cusum : 0;
      const scoreUp = Math.max(low ? pooledUp : spikeUp ? z / o.shewhart : 0, cusumUp, 0);
      const scoreDown = Math.max(low ? pooledDown : spikeDown ? -z / (o.shewhart * o.shewhartDropFactor) : 0, cusumDown, 0);

      const evidence: Record<string, unknown> = {
        method: current.method,
        baseline: expectationAt(cur.index)?.basis,
        netted: current.netted !== cur.value ? current.netted : undefined,
        holiday: current.holiday || undefined,
        deviation: round(current.r),
        sigma: round(sigmaNow),
        sigmaBeyondCounting: extra2 === undefined ? undefined : round(Math.sqrt(extra2)),
        z: round(z),
        cusumUp: round(up.statistic),
        cusumDown: round(down.statistic),
        runRatioUp: round(up.runRatio),
        runRatioDown: round(down.runRatio),
        pooled: low ? { ratio: round(pooledRatio), z: round(pooledZ) } : undefined,
        // cusumUp / cusumDown are in units of `cusum`: each step's statistic divided by its threshold factor.
        thresholds: {
          shewhart: o.shewhart * o.thresholdScale,
          cusum: o.cusum * o.thresholdScale,
          cusumStepFactors: o.cusumStepFactors,
          cusumDropFactor: o.cusumDropFactor,
          shewhartDropFactor: o.shewhartDropFactor,
          cusumDf: o.cusumDf,
          pooled: o.pooled * o.thresholdScale,
          minRatio: o.minRatio,
        },
        scaleResiduals: n,
        dropped: win.dropped,
      };
      const scores = { up: scoreUp, down: scoreDown };
      const common = { ...base, expected: current.expected, ratio, evidence, scores };
      const alarmUp = scoreUp >= o.thresholdScale;
      const alarmDown = scoreDown >= o.thresholdScale;
      if (alarmUp || alarmDown) {
        const dir = alarmUp && (!alarmDown || scoreUp >= scoreDown) ? 'up' : 'down';
        const run = dir === 'up' ? up : down;
        // A level that has stayed off for a week is a shift rather than a surge or drop.
        const kind = run.runLength >= 7 ? 'shift' : dir === 'up' ? 'surge' : 'drop';
        const size = dir === 'up' ? Math.max(ratio, run.runRatio) : Math.min(ratio, run.runRatio);
        return { ...common, status: 'anomaly', direction: dir, kind, severity: severityOf(size, dir) };
      }
      return { ...common, status: 'normal' };
    },
  };
}

/**
 * The log-likelihood ratio of one deviation x for a step of size d against none, at variance v:
 * Gaussian (df 0) or Student-t with df degrees of freedom (scale sqrt(v)). The Gaussian ratio grows
 * without bound in x (hence the winsorizing before it); the t ratio peaks a little beyond d and
 * falls back towards 0, so an outlying day is weak evidence of a step.
 */
export function logLikelihoodRatio(x: number, d: number, v: number, df: number): number {
  if (df <= 0) return (d * x - (d * d) / 2) / v;
  return ((df + 1) / 2) * (Math.log1p((x * x) / (df * v)) - Math.log1p(((x - d) * (x - d)) / (df * v)));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
