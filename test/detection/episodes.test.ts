import { describe, expect, it } from 'vitest';
import { advanceEpisode, DEFAULT_RESOLVE_AFTER, type EpisodeEvent, type SeriesDetectionState } from '../../functions/detection/episodes';
import type { Evaluation } from '../../functions/detection/types';

const anomaly = (period: string, ratio = 2, severity: Evaluation['severity'] = 'warning'): Evaluation => ({
  period,
  value: 0,
  status: 'anomaly',
  direction: ratio >= 1 ? 'up' : 'down',
  kind: ratio >= 1 ? 'surge' : 'drop',
  ratio,
  severity,
  evidence: {},
});
const normal = (period: string): Evaluation => ({ period, value: 0, status: 'normal', evidence: {} });
const unknown = (period: string): Evaluation => ({ period, value: 0, status: 'insufficient-history', evidence: {} });

function run(evaluations: Evaluation[], resolveAfter?: number) {
  let state: SeriesDetectionState = {};
  const events: EpisodeEvent[] = [];
  for (const e of evaluations) {
    const step = advanceEpisode(state, e, resolveAfter === undefined ? {} : { resolveAfter });
    state = step.state;
    events.push(...step.events);
  }
  return { state, events: events.map((e) => `${e.type}:${e.evaluation.period}`) };
}

describe('episodes', () => {
  it('alerts once when an episode opens, not once per anomalous period', () => {
    const { events } = run([normal('2024-01-01'), anomaly('2024-01-02'), anomaly('2024-01-03'), anomaly('2024-01-04')]);
    expect(events).toEqual(['opened:2024-01-02']);
  });

  it('resolves on the first normal period when asked to resolve after one', () => {
    const { events } = run([anomaly('2024-01-02'), normal('2024-01-03')], 1);
    expect(events).toEqual(['opened:2024-01-02', 'resolved:2024-01-03']);
  });

  it('by default keeps an episode through one quiet period, as the evaluation measures it', () => {
    const { events } = run([anomaly('2024-01-02'), normal('2024-01-03'), anomaly('2024-01-04'), normal('2024-01-05'), normal('2024-01-06')]);
    expect(DEFAULT_RESOLVE_AFTER).toBe(2);
    expect(events).toEqual(['opened:2024-01-02', 'resolved:2024-01-06']);
  });

  it('escalates when the severity grows, without a second opening', () => {
    const { events } = run([anomaly('2024-01-02', 2, 'warning'), anomaly('2024-01-03', 4, 'critical')]);
    expect(events).toEqual(['opened:2024-01-02', 'escalated:2024-01-03']);
  });

  it('never re-alerts when a past period is revised and re-evaluated', () => {
    const { state } = run([anomaly('2024-01-02'), normal('2024-01-03')]);
    const step = advanceEpisode(state, anomaly('2024-01-02', 3, 'critical'));
    expect(step.events).toEqual([]);
    expect(step.state).toEqual(state);
  });

  it('opens an episode when the newest period, first a provisional figure, is completed into an anomaly', () => {
    const { state } = run([normal('2024-01-02')]);
    const step = advanceEpisode(state, anomaly('2024-01-02'));
    expect(step.events.map((e) => e.type)).toEqual(['opened']);
  });

  it('does not re-alert the newest period when its figure is revised again', () => {
    const { state } = run([anomaly('2024-01-02')]);
    expect(advanceEpisode(state, anomaly('2024-01-02', 5, 'critical')).events).toEqual([]);
  });

  it('neither resolves nor opens on "not enough history"', () => {
    const { events } = run([anomaly('2024-01-02'), unknown('2024-01-03'), anomaly('2024-01-04')]);
    expect(events).toEqual(['opened:2024-01-02']);
  });

  it('a drop after a surge closes the surge and opens the drop', () => {
    const { events } = run([anomaly('2024-01-02', 2), anomaly('2024-01-03', 0.3)]);
    expect(events).toEqual(['opened:2024-01-02', 'resolved:2024-01-03', 'opened:2024-01-03']);
  });
});
