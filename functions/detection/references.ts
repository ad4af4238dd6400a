import { severityOf } from './ratio-to-median';
import { mean, median, robustSd, sd } from './stats';
import type { DetectionContext, Detector, Evaluation, SeriesPoint } from './types';
import { cleanWindow, type CleanPoint } from './window';

/**
 * The standard methods, kept as options and as references for the evaluation: CDC's EARS
 * C1/C2/C3, a robust (median/MAD) z-score and the naive "today >= 2 x yesterday" rule.
 * They see the last reported values only (no calendar): that is how they are published.
 * EARS is one-sided in the original; here each test is mirrored for drops.
 */

interface Verdict {
  /** Statistic divided by its threshold, per direction; >= 1 alarms. */
  up: number;
  down: number;
  expected: number;
  evidence: Record<string, unknown>;
}

interface Prepared {
  current: CleanPoint;
  /** Previous complete (non-provisional) values, oldest first. */
  values: number[];
}

/** Shared shell: input checks, history, the provisional rule, the threshold scale and the verdict. */
function referenceDetector(
  name: string,
  needed: number,
  thresholdScale: number,
  judge: (prepared: Prepared) => Verdict,
): Detector {
  return {
    name,
    windowSize: () => needed + 1,
    evaluate(points: readonly SeriesPoint[], context: DetectionContext): Evaluation {
      const win = cleanWindow(points, context.granularity);
      const last = points.at(-1);
      if (!win.current) {
        return {
          period: last?.period ?? '',
          value: last?.value ?? Number.NaN,
          status: 'insufficient-history',
          evidence: { reason: 'invalid-value', detail: win.invalidReason },
        };
      }
      const cur = win.current;
      const values = win.history.filter((p) => !p.provisional).map((p) => p.value).slice(-needed);
      const base = { period: cur.period, value: cur.value };
      if (values.length < needed) {
        return { ...base, status: 'insufficient-history', evidence: { reason: 'short-history', history: values.length, needed } };
      }
      const v = judge({ current: cur, values });
      // A partial-period figure can show a surge, never a drop.
      const scores = { up: Math.max(0, v.up), down: cur.provisional ? 0 : Math.max(0, v.down) };
      const ratio = v.expected > 0 ? cur.value / v.expected : undefined;
      const common = { ...base, expected: v.expected, ratio, evidence: v.evidence, scores };
      const dir = scores.up >= thresholdScale ? 'up' : scores.down >= thresholdScale ? 'down' : undefined;
      if (!dir) return { ...common, status: 'normal' };
      return {
        ...common,
        status: 'anomaly',
        direction: dir,
        kind: dir === 'up' ? 'surge' : 'drop',
        severity: severityOf(ratio ?? (dir === 'up' ? Number.POSITIVE_INFINITY : 0), dir),
      };
    },
  };
}

export interface EarsOptions {
  /** Baseline length (EARS: 7). */
  baseline: number;
  /** Alarm threshold: 3 for C1/C2, 2 for C3 (the published defaults). */
  threshold: number;
  /** Floor on the baseline standard deviation, in counts: a flat baseline would divide by zero. */
  minSd: number;
  thresholdScale: number;
}

export type EarsVariant = 'C1' | 'C2' | 'C3';

export const EARS_DEFAULTS: Record<EarsVariant, EarsOptions> = {
  C1: { baseline: 7, threshold: 3, minSd: 1, thresholdScale: 1 },
  C2: { baseline: 7, threshold: 3, minSd: 1, thresholdScale: 1 },
  C3: { baseline: 7, threshold: 2, minSd: 1, thresholdScale: 1 },
};

/** C1: baseline the 7 values just before; C2: the same, after a 2-value guard band; C3: the sum of the last three C2 excesses over 1. */
export function ears(variant: EarsVariant, options: Partial<EarsOptions> = {}): Detector {
  const o = { ...EARS_DEFAULTS[variant], ...options };
  const guard = variant === 'C1' ? 0 : 2;
  const lags = variant === 'C3' ? 3 : 1;
  const needed = o.baseline + guard + lags - 1;
  const statAt = (values: readonly number[], x: number) => {
    const b = values.slice(values.length - guard - o.baseline, values.length - guard);
    const m = mean(b);
    return { m, z: (x - m) / Math.max(sd(b), o.minSd) };
  };
  return referenceDetector(`ears-${variant.toLowerCase()}`, needed, o.thresholdScale, ({ current, values }) => {
    const all = [...values, current.value];
    const now = statAt(all.slice(0, -1), current.value);
    if (variant !== 'C3') {
      return { up: now.z / o.threshold, down: -now.z / o.threshold, expected: now.m, evidence: { rule: `EARS ${variant}`, z: now.z } };
    }
    let up = 0;
    let down = 0;
    for (let lag = 0; lag < 3; lag++) {
      const end = all.length - lag;
      const z = statAt(all.slice(0, end - 1), all[end - 1]!).z;
      up += Math.max(0, z - 1);
      down += Math.max(0, -z - 1);
    }
    return { up: up / o.threshold, down: down / o.threshold, expected: now.m, evidence: { rule: 'EARS C3', c3Up: up, c3Down: down } };
  });
}

export interface RobustZOptions {
  baseline: number;
  /** Iglewicz and Hoaglin's modified z-score cut-off: 3.5. */
  threshold: number;
  minSd: number;
  thresholdScale: number;
}

export const ROBUST_Z_DEFAULTS: RobustZOptions = { baseline: 28, threshold: 3.5, minSd: 1, thresholdScale: 1 };

/** (value - median) / (1.4826 MAD) over the last `baseline` values. */
export function robustZ(options: Partial<RobustZOptions> = {}): Detector {
  const o = { ...ROBUST_Z_DEFAULTS, ...options };
  return referenceDetector('robust-z', o.baseline, o.thresholdScale, ({ current, values }) => {
    const m = median(values);
    const z = (current.value - m) / Math.max(robustSd(values), o.minSd);
    return { up: z / o.threshold, down: -z / o.threshold, expected: m, evidence: { rule: 'robust z (median/MAD)', z } };
  });
}

export interface RatioToPreviousOptions {
  /** today >= ratio x previous: surge; today <= previous / ratio: drop. */
  ratio: number;
  thresholdScale: number;
}

/** The naive rule: today >= 2 x the previous reported value (yesterday, when it was reported). */
export function ratioToPrevious(options: Partial<RatioToPreviousOptions> = {}): Detector {
  const o = { ratio: 2, thresholdScale: 1, ...options };
  return referenceDetector('ratio-to-previous', 1, o.thresholdScale, ({ current, values }) => {
    const prev = values.at(-1)!;
    const r = current.value / Math.max(prev, 1);
    // Scores are log-ratios over log(ratio), so scaling the threshold by c means ratio^c.
    return {
      up: Math.log(Math.max(r, 1e-9)) / Math.log(o.ratio),
      down: -Math.log(Math.max(r, 1e-9)) / Math.log(o.ratio),
      expected: prev,
      evidence: { rule: `value >= ${o.ratio} x previous`, previous: prev },
    };
  });
}
