import type { AlertKind, AnomalyDirection, Granularity, Severity } from '../core/model';

/** One reported value of a series, as detectors see it. Missing periods are simply absent (missing is not zero). */
export interface SeriesPoint {
  period: string;
  value: number;
  provisional?: boolean;
}

export interface DetectionContext {
  seriesId: string;
  granularity: Granularity;
  /** ISO 3166-1 alpha-2 country of the series, for holiday calendars. */
  country?: string;
}

/** The verdict of a detector on one period. "Not enough history" is a result, not an error. */
export interface Evaluation {
  period: string;
  status: 'insufficient-history' | 'normal' | 'anomaly';
  value: number;
  direction?: AnomalyDirection;
  kind?: Extract<AlertKind, 'surge' | 'drop' | 'shift'>;
  severity?: Severity;
  /** The value the detector expected for this period. */
  expected?: number;
  /** value / expected. */
  ratio?: number;
  /** The numbers behind the verdict (baseline points, thresholds), for the alert and for audits. */
  evidence: Record<string, unknown>;
  /**
   * How far each direction is from alarming: the largest test statistic divided by its threshold,
   * so a score >= 1 alarms at the configured thresholds (>= c alarms with thresholds scaled by c).
   * Lets the evaluation calibrate every detector to the same false-alarm rate without re-running it.
   */
  scores?: { up: number; down: number };
}

/**
 * A detector is a pure function over a window of one series. `evaluate` gets the points
 * oldest first, ending with the point under test, and at most `windowSize` of them.
 */
export interface Detector {
  readonly name: string;
  windowSize(granularity: Granularity): number;
  evaluate(points: readonly SeriesPoint[], context: DetectionContext): Evaluation;
}
