import type { Granularity } from '../core/model';
import { median } from './stats';
import type { DetectionContext, Detector, Evaluation, SeriesPoint } from './types';
import { cleanWindow } from './window';

export interface RatioToMedianOptions {
  /** How many previous reported values form the baseline. */
  baselineCount: number;
  /** Fewer previous values than this: "insufficient-history". */
  minHistory: number;
  /** value >= surgeRatio x median: surge. */
  surgeRatio: number;
  /** value <= dropRatio x median: drop. */
  dropRatio: number;
  /** Baselines below this are too small to judge by ratio (a +1 on a flat series is no surge). */
  minBaseline: number;
}

export const RATIO_TO_MEDIAN_DEFAULTS: RatioToMedianOptions = {
  baselineCount: 7,
  minHistory: 3,
  surgeRatio: 2,
  dropRatio: 0.5,
  minBaseline: 10,
};

export { median } from './stats';

/**
 * The simple rule: compare a value with the median of the previous k reported values.
 * Robust to one odd value in the baseline, needs no seasonality model; the reference the
 * seasonal detectors are measured against.
 */
export function ratioToMedian(options: Partial<RatioToMedianOptions> = {}): Detector {
  const o = { ...RATIO_TO_MEDIAN_DEFAULTS, ...options };
  return {
    name: 'ratio-to-median',
    windowSize: (_granularity: Granularity) => o.baselineCount + 1,
    evaluate(points: readonly SeriesPoint[], context: DetectionContext): Evaluation {
      const last = points.at(-1);
      if (!last) throw new Error('ratio-to-median: no point to evaluate');
      const win = cleanWindow(points, context.granularity);
      const current = win.current;
      if (!current) {
        return { period: last.period, value: last.value, status: 'insufficient-history', evidence: { reason: 'invalid-value', detail: win.invalidReason } };
      }
      // Provisional (partial-period) figures never serve as a baseline.
      const history = win.history.filter((p) => !p.provisional).slice(-o.baselineCount);
      const base = { period: current.period, value: current.value };
      if (history.length < o.minHistory) {
        return { ...base, status: 'insufficient-history', evidence: { history: history.length, needed: o.minHistory } };
      }
      const expected = median(history.map((p) => p.value));
      const evidence = {
        rule: `value >= ${o.surgeRatio} x or <= ${o.dropRatio} x median of previous ${history.length}`,
        baseline: history.map((p) => ({ period: p.period, value: p.value })),
        minBaseline: o.minBaseline,
      };
      if (expected < o.minBaseline) {
        return { ...base, status: 'normal', expected, evidence: { ...evidence, note: 'baseline below minimum' } };
      }
      const ratio = current.value / expected;
      // Scores in log space: thresholds scaled by c mean surgeRatio^c and dropRatio^c.
      const logRatio = Math.log(Math.max(ratio, 1e-9));
      const scores = {
        up: Math.max(0, logRatio / Math.log(o.surgeRatio)),
        down: current.provisional ? 0 : Math.max(0, logRatio / Math.log(o.dropRatio)),
      };
      if (ratio >= o.surgeRatio) {
        return { ...base, status: 'anomaly', direction: 'up', kind: 'surge', expected, ratio, severity: severityOf(ratio, 'up'), evidence, scores };
      }
      // A provisional figure is incomplete by nature: it can show a surge, never a drop.
      if (ratio <= o.dropRatio && !current.provisional) {
        return { ...base, status: 'anomaly', direction: 'down', kind: 'drop', expected, ratio, severity: severityOf(ratio, 'down'), evidence, scores };
      }
      return { ...base, status: 'normal', expected, ratio, evidence, scores };
    },
  };
}

/** Severity follows the size of the deviation: x2 is a warning, x3 critical (and 1/2, 1/3 for drops). */
export function severityOf(ratio: number, direction: 'up' | 'down'): 'info' | 'warning' | 'critical' {
  const size = direction === 'up' ? ratio : 1 / Math.max(ratio, 1e-9);
  if (size >= 3) return 'critical';
  if (size >= 1.5) return 'warning';
  return 'info';
}
