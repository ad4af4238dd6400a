import type { Clock } from '../core/clock';
import type { Alert, ErrorDetail, Observation, Snapshot } from '../core/model';
import { noMetric, type LogFn, type MetricFn } from '../core/telemetry';
import { recordAlerts } from '../alerting/record';
import { sourceHealthAlert } from '../alerting/source-health-alert';
import type { SourceConfig } from '../sources/config';
import type { SourceState, Store } from '../store/repository';
import { alertSourceOf } from './series-info';

/** What the fetch and parse stages need: no notifier. Publishing is another stage, so a slow SNS never delays a fetch. */
export interface StageDeps {
  store: Store;
  clock: Clock;
  log?: LogFn;
  /** Metrics per run (no per-source dimension: custom metrics are billed per dimension set). */
  metric?: MetricFn;
}

export interface FetchStageResult {
  sourceId: string;
  /**
   * `skipped`: this scheduled run of the source was already completed (a retried invocation).
   * `fetched`: the document changed and was handed over to the parse stage (deployed: another function, through a queue).
   */
  outcome: Snapshot['outcome'] | 'skipped' | 'fetched';
  snapshot?: Snapshot;
  added: number;
  revised: number;
  /** Announcements seen for the first time. */
  announcements: number;
  /** Observations new or revised by this fetch: what the detect stage judges. */
  changed: Observation[];
  /** Alerts this stage recorded (announcements, source health): pending until the publish stage. */
  recorded: Alert[];
  error?: ErrorDetail;
}

/** Run markers expire: they only need to outlive the retries of the same scheduled run. */
export const RUN_MARKER_TTL_S = 7 * 24 * 3600;

/** One scheduled run of one source, from the fetch to its snapshot. */
export interface RunRecord {
  source: SourceConfig;
  runAt: string;
  /** The source's state before this run. */
  previous: SourceState | undefined;
  snapshot: Snapshot;
  /** When the run began (its fetch), for the snapshot's duration. */
  startedAt: number;
  result: FetchStageResult;
}

export function emptyResult(sourceId: string): FetchStageResult {
  return { sourceId, outcome: 'failed', added: 0, revised: 0, announcements: 0, changed: [], recorded: [] };
}

/** A run's record before anything is known of its document: the snapshot starts out as failed. */
export function startRun(source: SourceConfig, runAt: string, previous: SourceState | undefined, fetchedAt: string, startedAt: number): RunRecord {
  const snapshot: Snapshot = { sourceId: source.id, snapshotId: `${source.id}@${fetchedAt}`, runAt, fetchedAt, url: source.url, outcome: 'failed' };
  return { source, runAt, previous, snapshot, startedAt, result: { ...emptyResult(source.id), snapshot } };
}

/**
 * Ends a run whose document has the hash the source's state already holds: nothing to parse, but the
 * source answered, and its validators (ETag, Last-Modified) are kept for the next conditional fetch.
 */
export function finishUnchanged(run: RunRecord, deps: StageDeps, provenance: Partial<Snapshot>): Promise<FetchStageResult> {
  return finishRun(run, deps, 'unchanged', provenance, { lastOkAt: run.snapshot.fetchedAt, etag: provenance.etag, lastModified: provenance.lastModified });
}

/**
 * Ends a run: writes its snapshot and the source's new state, records a source-health alert when the
 * state calls for one, marks the run done (unless it failed, so a retry can do better) and reports.
 */
export async function finishRun(
  run: RunRecord,
  deps: StageDeps,
  outcome: Snapshot['outcome'],
  extra: Partial<Snapshot> = {},
  stateUpdate: Partial<SourceState> = {},
): Promise<FetchStageResult> {
  const { store, clock } = deps;
  const { source, runAt, previous, snapshot, result } = run;
  const log = deps.log ?? (() => undefined);
  const metric = deps.metric ?? noMetric;
  Object.assign(snapshot, extra, { outcome, durationMs: clock().getTime() - run.startedAt });
  await store.putSnapshot(snapshot);
  const failed = outcome === 'failed' || outcome === 'suspect';
  const state: SourceState = {
    sourceId: source.id,
    lastFetchedAt: snapshot.fetchedAt,
    lastOutcome: outcome,
    // A retry (SQS, Lambda) of a run that already failed is the same failure, not a longer streak.
    consecutiveFailures: failed ? (previous?.consecutiveFailures ?? 0) + (previous?.lastFailedRunAt === runAt ? 0 : 1) : 0,
    ...(failed ? { lastFailedRunAt: runAt } : {}),
    ...(previous?.contentHash ? { contentHash: previous.contentHash } : {}),
    ...(previous?.etag ? { etag: previous.etag } : {}),
    ...(previous?.lastModified ? { lastModified: previous.lastModified } : {}),
    ...(previous?.lastOkAt ? { lastOkAt: previous.lastOkAt } : {}),
    ...(previous?.lastRowCount !== undefined ? { lastRowCount: previous.lastRowCount } : {}),
    ...stateUpdate,
  };
  await store.putSourceState(state);
  // Operators hear about a layout change at once and about a failure streak once (one alert per streak).
  const health = sourceHealthAlert({ source: alertSourceOf(source), state, snapshot, createdAt: clock().toISOString() });
  if (health) result.recorded.push(...(await recordAlerts([health], { store, clock })));
  if (!failed) await store.markRunDone(source.id, runAt, snapshot.snapshotId, Math.floor(Date.parse(snapshot.fetchedAt) / 1000) + RUN_MARKER_TTL_S);
  result.outcome = outcome;
  if (extra.error) result.error = extra.error;
  if (outcome === 'failed') metric('SourceFailures', 1, 'Count');
  if (outcome === 'suspect') metric('SuspectSnapshots', 1, 'Count');
  // Only a parse stores observations: other outcomes add no metric (each name per function is billed).
  if (outcome === 'ok') {
    metric('ObservationsAdded', result.added, 'Count');
    metric('ObservationsRevised', result.revised, 'Count');
  }
  log({ event: 'source-fetch', sourceId: source.id, outcome, snapshotId: snapshot.snapshotId, added: result.added, revised: result.revised, error: extra.error?.message });
  return result;
}
