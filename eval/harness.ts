import type { AnomalyDirection } from '../functions/core/model';
import { advanceEpisode, type SeriesDetectionState } from '../functions/detection/episodes';
import type { DetectionContext, Detector, Evaluation, SeriesPoint } from '../functions/detection/types';
import { dayIndex } from '../functions/detection/periods';
import { median, quantile } from '../functions/detection/stats';

/**
 * The evaluation's core: run a detector over a series the way the pipeline does (one bounded
 * window per new period), keep its scores, and turn scores into alert episodes at any threshold
 * scale c (score >= c alarms; c = 1 is the configuration as published).
 */
export interface Scored {
  period: string;
  /** Position of the point in the series. */
  pos: number;
  scores?: { up: number; down: number };
}

export function scoreSeries(detector: Detector, points: readonly SeriesPoint[], context: DetectionContext, from: number, to = points.length): Scored[] {
  const size = detector.windowSize(context.granularity);
  const out: Scored[] = [];
  for (let pos = Math.max(0, from); pos < Math.min(to, points.length); pos++) {
    const evaluation = detector.evaluate(points.slice(Math.max(0, pos - size + 1), pos + 1), context);
    out.push(evaluation.status === 'insufficient-history' ? { period: evaluation.period, pos } : { period: evaluation.period, pos, scores: evaluation.scores ?? { up: 0, down: 0 } });
  }
  return out;
}

export interface Opening {
  pos: number;
  period: string;
  direction: AnomalyDirection;
}

/** The alert episodes the scores open at threshold scale c, through the project's episode logic. */
export function openings(scored: readonly Scored[], c: number, resolveAfter: number): Opening[] {
  let state: SeriesDetectionState = {};
  const out: Opening[] = [];
  for (const s of scored) {
    let evaluation: Evaluation;
    if (!s.scores) evaluation = { period: s.period, value: 0, status: 'insufficient-history', evidence: {} };
    else {
      const { up, down } = s.scores;
      const direction: AnomalyDirection | undefined = up >= c && up >= down ? 'up' : down >= c ? 'down' : undefined;
      evaluation = direction
        ? { period: s.period, value: 0, status: 'anomaly', direction, kind: direction === 'up' ? 'surge' : 'drop', severity: 'warning', evidence: {} }
        : { period: s.period, value: 0, status: 'normal', evidence: {} };
    }
    const step = advanceEpisode(state, evaluation, { resolveAfter });
    state = step.state;
    for (const e of step.events) if (e.type === 'opened') out.push({ pos: s.pos, period: s.period, direction: e.episode.direction });
  }
  return out;
}

/** Calendar length of a daily stretch of points, in years. */
export function yearsCovered(first: string, last: string): number {
  return ((dayIndex(last) ?? 0) - (dayIndex(first) ?? 0) + 1) / 365.25;
}

/** One injected event in one series, already scored over its evaluation span. */
export interface EventCase {
  onsetPos: number;
  direction: AnomalyDirection;
  shape: 'step' | 'spike';
  scored: Scored[];
}

export interface EventOutcome {
  /** Observations from the onset to the alert (0 = alerted on the onset's own figure); undefined if missed. */
  delay?: number;
  falseOpenings: number;
}

/**
 * A step counts as found when an episode in its direction opens within its first 7 observations;
 * a spike only when it opens on the spike itself. Every other opening in the span is a false alarm
 * (including a second alert for the same step: one episode, one alert).
 */
export function judgeEvent(ev: EventCase, c: number, resolveAfter: number): EventOutcome {
  const opened = openings(ev.scored, c, resolveAfter);
  const horizon = ev.shape === 'spike' ? 0 : 6;
  const hit = opened.find((o) => o.direction === ev.direction && o.pos >= ev.onsetPos && o.pos - ev.onsetPos <= horizon);
  return { delay: hit ? hit.pos - ev.onsetPos : undefined, falseOpenings: opened.length - (hit ? 1 : 0) };
}

export interface EventSummary {
  n: number;
  recall1: number;
  recall7: number;
  medianDelay: number;
  p90Delay: number;
  falseOpenings: number;
}

export function summarize(outcomes: readonly EventOutcome[]): EventSummary {
  const delays = outcomes.flatMap((o) => (o.delay === undefined ? [] : [o.delay]));
  const n = outcomes.length;
  return {
    n,
    recall1: outcomes.filter((o) => o.delay !== undefined && o.delay <= 1).length / n,
    recall7: delays.length / n,
    medianDelay: delays.length ? median(delays) : Number.NaN,
    p90Delay: delays.length ? quantile(delays, 0.9) : Number.NaN,
    falseOpenings: outcomes.reduce((a, o) => a + o.falseOpenings, 0),
  };
}

/** False-alarm episodes per series-year over event-free scored series. */
export function falseAlarmRate(series: ReadonlyArray<{ scored: Scored[]; years: number }>, c: number, resolveAfter: number): number {
  let count = 0;
  let years = 0;
  for (const s of series) {
    count += openings(s.scored, c, resolveAfter).length;
    years += s.years;
  }
  return years > 0 ? count / years : 0;
}

/**
 * The smallest threshold scale whose false-alarm rate is at most `target` (bisection in log space;
 * the rate falls as c grows, up to the noise of episode counting).
 */
export function calibrate(rate: (c: number) => number, target: number): number {
  let lo = Math.log(0.02);
  let hi = Math.log(100);
  if (rate(Math.exp(lo)) <= target) return Math.exp(lo);
  for (let i = 0; i < 28; i++) {
    const mid = (lo + hi) / 2;
    if (rate(Math.exp(mid)) <= target) hi = mid;
    else lo = mid;
  }
  return Math.exp(hi);
}

/**
 * Alerts a detector would send on a real series with its own evaluations (severity included):
 * an episode opening, or an escalation of an open one (e.g. a recovery already alerted that turns
 * into a x3 surge).
 */
export function realAlerts(detector: Detector, points: readonly SeriesPoint[], context: DetectionContext, from: number, resolveAfter: number) {
  const size = detector.windowSize(context.granularity);
  let state: SeriesDetectionState = {};
  const out: Array<{ period: string; direction: AnomalyDirection; type: 'opened' | 'escalated' }> = [];
  for (let pos = from; pos < points.length; pos++) {
    const evaluation = detector.evaluate(points.slice(Math.max(0, pos - size + 1), pos + 1), context);
    const step = advanceEpisode(state, evaluation, { resolveAfter });
    state = step.state;
    for (const e of step.events) if (e.type !== 'resolved') out.push({ period: evaluation.period, direction: e.episode.direction, type: e.type });
  }
  return out;
}
