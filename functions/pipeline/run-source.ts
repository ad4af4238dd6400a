import type { Alert, ErrorDetail, Snapshot } from '../core/model';
import { toErrorDetail } from '../core/errors';
import { noMetric } from '../core/telemetry';
import { deliver, type DeliveryResult } from '../alerting/deliver';
import type { Notifier } from '../alerting/notifier';
import type { SourceConfig } from '../sources/config';
import type { DocumentArchive } from '../store/document-archive';
import { DetectionConflict, detectSeries, type DetectStageResult, type EvaluationSummary } from './detect-stage';
import { archiveDocument, fetchStage, type FetchStageDeps } from './fetch-stage';
import { parseStage } from './parse-stage';
import type { FetchStageResult } from './run-record';

/**
 * The stages of borderwatch, composed in one process: fetch, parse and store, detect, publish. On AWS
 * they run in separate functions (a queue between dispatch and fetch, DynamoDB Streams between fetch,
 * parse, detect and publish); locally, in the demo and in tests, `runSource` runs them one after another.
 */
export interface InlineFetchDeps extends FetchStageDeps {
  /** Where changed documents are kept; without one, only their hash and a sample of failures are. */
  archive?: DocumentArchive;
}

export interface PipelineDeps extends InlineFetchDeps {
  notifier: Notifier;
}

/** Fetch and parse stages in one process, the document passed in memory (and archived, given an archive). */
export async function fetchAndStore(source: SourceConfig, runAt: string, deps: InlineFetchDeps): Promise<FetchStageResult> {
  const outcome = await fetchStage(source, runAt, deps);
  if ('done' in outcome) return outcome.done;
  if (deps.archive) await archiveDocument(deps.archive, outcome.handover, outcome.document.body);
  return parseStage(outcome.run, outcome.document, outcome.handover.provenance, deps);
}

export interface SourceRunResult {
  sourceId: string;
  /** `skipped`: this scheduled run of the source was already completed (a retried invocation). */
  outcome: FetchStageResult['outcome'];
  snapshotId?: string;
  added: number;
  revised: number;
  announcements: number;
  /** The detector's verdict on every period it judged in this run. */
  evaluations: EvaluationSummary[];
  /** Alerts recorded in this run (published or, if publishing failed, pending). */
  alerts: Alert[];
  deliveries: DeliveryResult[];
  error?: ErrorDetail;
}

/** One scheduled run of one source through all stages. */
export async function runSource(source: SourceConfig, runAt: string, deps: PipelineDeps): Promise<SourceRunResult> {
  const metric = deps.metric ?? noMetric;
  const fetched = await fetchAndStore(source, runAt, deps);
  const result: SourceRunResult = {
    sourceId: source.id,
    outcome: fetched.outcome,
    ...(fetched.snapshot ? { snapshotId: fetched.snapshot.snapshotId } : {}),
    added: fetched.added,
    revised: fetched.revised,
    announcements: fetched.announcements,
    evaluations: [],
    alerts: [...fetched.recorded],
    deliveries: [],
    ...(fetched.error ? { error: fetched.error } : {}),
  };
  if (fetched.snapshot?.changes) {
    for (const [seriesId, periods] of Object.entries(fetched.snapshot.changes)) {
      try {
        const detected = await detectWithRetry(source, seriesId, periods, fetched.snapshot, deps, result.alerts);
        result.evaluations.push(...detected.evaluations);
        result.alerts.push(...detected.recorded);
      } catch (error) {
        // Detection trouble in one series never loses the stored data; the run reports it.
        deps.log?.({ event: 'detect-failed', sourceId: source.id, seriesId, error: (error as Error).message });
        result.error = toErrorDetail(error, 'detect');
      }
    }
  }
  for (const alert of result.alerts) result.deliveries.push(await deliver(alert, deps));
  metric('AnomaliesOpened', result.alerts.filter((a) => a.subject.type === 'series').length, 'Count');
  metric('AlertsPublished', result.deliveries.filter((d) => d.published).length, 'Count');
  metric('AlertPublishFailures', result.deliveries.filter((d) => !d.published).length, 'Count');
  return result;
}

/**
 * Two overlapping runs of a source can judge the same series at once; the one that saves its state
 * second gets a conflict. Its recorded alerts are kept in the report, and it judges again once with
 * the state the other run saved (usually nothing is left to judge).
 */
async function detectWithRetry(
  source: SourceConfig,
  seriesId: string,
  periods: string[],
  snapshot: Snapshot,
  deps: PipelineDeps,
  recorded: Alert[],
): Promise<DetectStageResult> {
  try {
    return await detectSeries(source, seriesId, periods, snapshot, deps);
  } catch (error) {
    if (!(error instanceof DetectionConflict)) throw error;
    recorded.push(...error.recorded);
    return detectSeries(source, seriesId, periods, snapshot, deps);
  }
}
