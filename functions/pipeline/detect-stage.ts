import type { Clock } from '../core/clock';
import type { Alert, Snapshot } from '../core/model';
import type { LogFn } from '../core/telemetry';
import { recordAlerts } from '../alerting/record';
import { seriesAlert } from '../alerting/series-alert';
import { advanceEpisode, createDetector, type Evaluation } from '../detection';
import type { SourceConfig } from '../sources/config';
import { ConflictError, type Store } from '../store/repository';
import { alertSourceOf, seriesInfo } from './series-info';

export interface DetectStageDeps {
  store: Store;
  clock: Clock;
  log?: LogFn;
}

export type EvaluationSummary = { seriesId: string } & Pick<Evaluation, 'period' | 'status' | 'value' | 'expected' | 'ratio' | 'kind'>;

/**
 * Another run saved the series' detection state while this one was judging it. The alerts this call
 * recorded stay recorded (and will be published); they travel with the error so the caller can report
 * them, and a retry judges whatever the other run left.
 */
export class DetectionConflict extends Error {
  constructor(
    readonly seriesId: string,
    readonly recorded: Alert[],
    cause: ConflictError,
  ) {
    super(cause.message, { cause });
    this.name = 'DetectionConflict';
  }
}

export interface DetectStageResult {
  evaluations: EvaluationSummary[];
  /** Alerts recorded by this call (episodes that opened or escalated): pending until the publish stage. */
  recorded: Alert[];
}

/** On a first fetch (a backfill of history) only the newest periods are evaluated for alerts. */
const BACKFILL_EVALUATED_PERIODS = 1;
/** A single call never evaluates more new periods than this per series (a source dumping years at once). */
const MAX_EVALUATED_PERIODS = 62;

/**
 * The detect stage for one series: evaluates its new periods oldest first with the series' detector,
 * folds each verdict into the episode state, records the alerts of episodes that opened or escalated,
 * and only then saves the state (a crash in between re-detects and finds the alert already recorded).
 * Reads one bounded window. `snapshot` gives the alert its provenance.
 */
export async function detectSeries(
  source: SourceConfig,
  seriesId: string,
  changedPeriods: readonly string[],
  snapshot: Pick<Snapshot, 'snapshotId' | 'fetchedAt' | 'url' | 'contentHash'>,
  deps: DetectStageDeps,
): Promise<DetectStageResult> {
  const config = source.series.find((s) => s.id === seriesId);
  if (!config) throw new Error(`source "${source.id}" declares no series "${seriesId}"`);
  const series = seriesInfo(source, config);
  const detector = createDetector(config.detector);
  const { state: initial, version } = await deps.store.getSeriesState(seriesId);
  const sorted = [...new Set(changedPeriods)].sort();
  const fresh = sorted.filter((period) => initial.lastEvaluatedPeriod === undefined || period > initial.lastEvaluatedPeriod);
  // A first fetch is a backfill: history is stored, only the newest period is judged.
  const limit = initial.lastEvaluatedPeriod === undefined ? BACKFILL_EVALUATED_PERIODS : MAX_EVALUATED_PERIODS;
  const toEvaluate = fresh.slice(-limit);
  const result: DetectStageResult = { evaluations: [], recorded: [] };
  if (toEvaluate.length === 0) return result;
  const window = detector.windowSize(series.granularity);
  const newest = toEvaluate.at(-1)!;
  const points = await deps.store.observationWindow(seriesId, newest, window + toEvaluate.length);
  let state = initial;
  const alerts: Alert[] = [];
  for (const period of toEvaluate) {
    const upTo = points.filter((p) => p.period <= period).slice(-window);
    const evaluation = detector.evaluate(
      upTo.map((p) => ({ period: p.period, value: p.value, ...(p.provisional ? { provisional: true } : {}) })),
      { seriesId, granularity: series.granularity, ...(series.country ? { country: series.country } : {}) },
    );
    result.evaluations.push({
      seriesId,
      period: evaluation.period,
      status: evaluation.status,
      value: evaluation.value,
      ...(evaluation.expected !== undefined ? { expected: evaluation.expected } : {}),
      ...(evaluation.ratio !== undefined ? { ratio: evaluation.ratio } : {}),
      ...(evaluation.kind ? { kind: evaluation.kind } : {}),
    });
    const step = advanceEpisode(state, evaluation);
    state = step.state;
    for (const event of step.events) {
      deps.log?.({ event: `episode-${event.type}`, seriesId, period: evaluation.period, ratio: evaluation.ratio, expected: evaluation.expected });
      if (event.type === 'opened' || event.type === 'escalated') {
        alerts.push(seriesAlert({ event, series, source: alertSourceOf(source), snapshot, createdAt: deps.clock().toISOString() }));
      }
    }
  }
  result.recorded = await recordAlerts(alerts, { store: deps.store, clock: deps.clock });
  try {
    await deps.store.putSeriesState(seriesId, state, version);
  } catch (error) {
    if (error instanceof ConflictError) throw new DetectionConflict(seriesId, result.recorded, error);
    throw error;
  }
  return result;
}
