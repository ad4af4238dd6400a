import type { AnomalyDirection } from '../core/model';
import type { Evaluation } from './types';

/** An anomaly that lasts: opened by the first anomalous period, resolved by the first normal one. */
export interface Episode {
  direction: AnomalyDirection;
  kind: NonNullable<Evaluation['kind']>;
  openedPeriod: string;
  lastPeriod: string;
  /** The largest deviation seen during the episode. */
  peakRatio: number;
  severity: NonNullable<Evaluation['severity']>;
}

/** Per-series detection state kept between runs. */
export interface SeriesDetectionState {
  episode?: Episode;
  /** The newest period evaluated: a later evaluation of an older period (a revision) never opens an episode. */
  lastEvaluatedPeriod?: string;
  /** Normal periods in a row since the open episode's last anomalous period. */
  normalStreak?: number;
}

export interface EpisodeOptions {
  /**
   * Normal periods in a row that resolve an episode. 1 resolves on the first normal period; 2 keeps
   * one quiet day inside a lasting step from closing the episode and re-alerting the next day.
   */
  resolveAfter: number;
}

/**
 * The hysteresis the evaluation measures and the pipeline uses (docs/detection.md): one quiet
 * period inside a lasting step neither closes the episode nor re-alerts the next day.
 */
export const DEFAULT_RESOLVE_AFTER = 2;

export type EpisodeEvent =
  | { type: 'opened'; episode: Episode; evaluation: Evaluation }
  | { type: 'escalated'; episode: Episode; evaluation: Evaluation }
  | { type: 'resolved'; episode: Episode; evaluation: Evaluation };

const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 } as const;

/**
 * Folds one evaluation into the series' episode state. One alert per episode: the caller alerts on
 * `opened` only (and optionally on `resolved`), not once per anomalous period.
 */
export function advanceEpisode(
  state: SeriesDetectionState,
  evaluation: Evaluation,
  options: Partial<EpisodeOptions> = {},
): { state: SeriesDetectionState; events: EpisodeEvent[] } {
  const resolveAfter = Math.max(1, options.resolveAfter ?? DEFAULT_RESOLVE_AFTER);
  const last = state.lastEvaluatedPeriod;
  // Period keys of one series share a format, so string order is time order.
  if (last !== undefined && evaluation.period < last) {
    // A revised past figure is re-evaluated but never re-alerts nor reopens anything.
    return { state, events: [] };
  }
  if (last !== undefined && evaluation.period === last) {
    // The newest period again (a provisional figure completed, or corrected): it may open an
    // episode nobody was alerted about yet, but never re-alerts, resolves or escalates one.
    if (state.episode || evaluation.status !== 'anomaly') return { state, events: [] };
  }
  const next: SeriesDetectionState = { ...state, lastEvaluatedPeriod: evaluation.period };
  delete next.normalStreak;
  const open = state.episode;
  if (evaluation.status === 'anomaly' && evaluation.direction && evaluation.kind) {
    const ratio = evaluation.ratio ?? 1;
    const severity = evaluation.severity ?? 'warning';
    if (open && open.direction === evaluation.direction) {
      const deeper = evaluation.direction === 'up' ? ratio > open.peakRatio : ratio < open.peakRatio;
      const episode: Episode = {
        ...open,
        lastPeriod: evaluation.period,
        peakRatio: deeper ? ratio : open.peakRatio,
        severity: SEVERITY_RANK[severity] > SEVERITY_RANK[open.severity] ? severity : open.severity,
      };
      next.episode = episode;
      const events: EpisodeEvent[] =
        SEVERITY_RANK[severity] > SEVERITY_RANK[open.severity] ? [{ type: 'escalated', episode, evaluation }] : [];
      return { state: next, events };
    }
    const episode: Episode = {
      direction: evaluation.direction,
      kind: evaluation.kind,
      openedPeriod: evaluation.period,
      lastPeriod: evaluation.period,
      peakRatio: ratio,
      severity,
    };
    next.episode = episode;
    const events: EpisodeEvent[] = [];
    if (open) events.push({ type: 'resolved', episode: open, evaluation });
    events.push({ type: 'opened', episode, evaluation });
    return { state: next, events };
  }
  if (evaluation.status === 'normal' && open) {
    const streak = (state.normalStreak ?? 0) + 1;
    if (streak < resolveAfter) return { state: { ...next, normalStreak: streak }, events: [] };
    delete next.episode;
    return { state: next, events: [{ type: 'resolved', episode: open, evaluation }] };
  }
  // "Not enough history" neither opens nor resolves anything, nor breaks a streak.
  if (evaluation.status === 'insufficient-history' && state.normalStreak !== undefined) next.normalStreak = state.normalStreak;
  return { state: next, events: [] };
}
