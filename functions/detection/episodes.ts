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
}

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
): { state: SeriesDetectionState; events: EpisodeEvent[] } {
  const isRevision = state.lastEvaluatedPeriod !== undefined && evaluation.period <= state.lastEvaluatedPeriod;
  if (isRevision) {
    // A revised past figure is re-evaluated but never re-alerts nor reopens anything.
    return { state, events: [] };
  }
  const next: SeriesDetectionState = { ...state, lastEvaluatedPeriod: evaluation.period };
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
    delete next.episode;
    return { state: next, events: [{ type: 'resolved', episode: open, evaluation }] };
  }
  return { state: next, events: [] };
}
