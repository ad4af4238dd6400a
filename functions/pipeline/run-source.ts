import type { Clock } from '../core/clock';
import { noMetric, type LogFn, type MetricFn } from '../core/telemetry';
import { SourceError, excerpt, toErrorDetail } from '../core/errors';
import { sha256Hex } from '../core/hash';
import type { Alert, ErrorDetail, Observation, Snapshot } from '../core/model';
import { announcementAlert } from '../alerting/announcement-alert';
import { recordAlerts } from '../alerting/record';
import { seriesAlert } from '../alerting/series-alert';
import { sourceHealthAlert } from '../alerting/source-health-alert';
import { deliver, type DeliveryResult } from '../alerting/deliver';
import type { Notifier } from '../alerting/notifier';
import { advanceEpisode, createDetector, type Evaluation } from '../detection';
import type { SourceConfig } from '../sources/config';
import type { FetchedDocument } from '../sources/document';
import { fetchDocument, type FetchOptions } from '../sources/fetcher';
import { documentEvidence } from '../sources/document';
import { assessLayout } from '../sources/layout';
import { parserFor } from '../sources/parsers';
import type { SeriesInfo, SourceState, Store } from '../store/repository';

export interface PipelineDeps {
  store: Store;
  notifier: Notifier;
  clock: Clock;
  fetchOptions: FetchOptions;
  log?: LogFn;
  /** Metrics per run (no per-source dimension: custom metrics are billed per dimension set). */
  metric?: MetricFn;
}

export interface SourceRunResult {
  sourceId: string;
  /** `skipped`: this scheduled run of the source was already completed (a retried invocation). */
  outcome: Snapshot['outcome'] | 'skipped';
  snapshotId?: string;
  added: number;
  revised: number;
  announcements: number;
  /** The detector's verdict on every period it judged in this run. */
  evaluations: Array<{ seriesId: string } & Pick<Evaluation, 'period' | 'status' | 'value' | 'expected' | 'ratio' | 'kind'>>;
  alerts: Alert[];
  deliveries: DeliveryResult[];
  error?: ErrorDetail;
}

/** Run markers expire: they only need to outlive Lambda's retries of the same scheduled run. */
const RUN_MARKER_TTL_S = 7 * 24 * 3600;
/** On a first fetch (a backfill of history) only the newest periods are evaluated for alerts. */
const BACKFILL_EVALUATED_PERIODS = 1;
/** A single run never evaluates more new periods than this per series (a source dumping years at once). */
const MAX_EVALUATED_PERIODS = 62;
/** How much of a failed or suspect document is kept as evidence (decoded text). */
const SAMPLE_CHARS = 2048;

function evidenceSample(document: FetchedDocument, source: SourceConfig): string {
  try {
    return documentEvidence(document, SAMPLE_CHARS, source.charset).sample;
  } catch {
    return excerpt(Buffer.from(document.body.subarray(0, SAMPLE_CHARS)).toString('utf8'), SAMPLE_CHARS);
  }
}

/**
 * One scheduled run of one source: fetch, snapshot, parse, store, detect, alert. Every failure is
 * recorded as a failed snapshot with its reason; nothing already stored changes when a document is bad.
 */
export async function runSource(source: SourceConfig, runAt: string, deps: PipelineDeps): Promise<SourceRunResult> {
  const { store, clock } = deps;
  const log = deps.log ?? (() => undefined);
  const metric = deps.metric ?? noMetric;
  const result: SourceRunResult = { sourceId: source.id, outcome: 'failed', added: 0, revised: 0, announcements: 0, evaluations: [], alerts: [], deliveries: [] };

  if (await store.isRunDone(source.id, runAt)) {
    return { ...result, outcome: 'skipped' };
  }
  const previous = await store.getSourceState(source.id);
  const started = clock();
  const fetchedAt = started.toISOString();
  const snapshotId = `${source.id}@${fetchedAt}`;
  result.snapshotId = snapshotId;
  const snapshot: Snapshot = { sourceId: source.id, snapshotId, runAt, fetchedAt, url: source.url, outcome: 'failed' };

  const alertSource = { id: source.id, title: source.title, url: source.url, country: source.country };
  /** Records alerts before anything that would make them look old, then publishes the ones recorded now. */
  const recordAndDeliver = async (alerts: Alert[]) => {
    for (const alert of await recordAlerts(alerts, { store, clock })) {
      result.alerts.push(alert);
      result.deliveries.push(await deliver(alert, deps));
    }
  };

  const finish = async (outcome: Snapshot['outcome'], extra: Partial<Snapshot> = {}, stateUpdate: Partial<SourceState> = {}) => {
    Object.assign(snapshot, extra, { outcome, durationMs: clock().getTime() - started.getTime() });
    await store.putSnapshot(snapshot);
    const failed = outcome === 'failed' || outcome === 'suspect';
    const state: SourceState = {
      sourceId: source.id,
      lastFetchedAt: fetchedAt,
      lastOutcome: outcome,
      consecutiveFailures: failed ? (previous?.consecutiveFailures ?? 0) + 1 : 0,
      ...(previous?.contentHash ? { contentHash: previous.contentHash } : {}),
      ...(previous?.etag ? { etag: previous.etag } : {}),
      ...(previous?.lastModified ? { lastModified: previous.lastModified } : {}),
      ...(previous?.lastOkAt ? { lastOkAt: previous.lastOkAt } : {}),
      ...(previous?.lastRowCount !== undefined ? { lastRowCount: previous.lastRowCount } : {}),
      ...stateUpdate,
    };
    await store.putSourceState(state);
    // Operators hear about a layout change at once and about a failure streak once (one alert per streak).
    const health = sourceHealthAlert({ source: alertSource, state, snapshot, createdAt: clock().toISOString() });
    if (health) await recordAndDeliver([health]);
    if (!failed) await store.markRunDone(source.id, runAt, snapshotId, Math.floor(Date.parse(fetchedAt) / 1000) + RUN_MARKER_TTL_S);
    result.outcome = outcome;
    if (extra.error) result.error = extra.error;
    if (outcome === 'failed') metric('SourceFailures', 1, 'Count');
    if (outcome === 'suspect') metric('SuspectSnapshots', 1, 'Count');
    metric('ObservationsAdded', result.added, 'Count');
    metric('ObservationsRevised', result.revised, 'Count');
    metric('AnomaliesOpened', result.alerts.filter((a) => a.subject.type === 'series').length, 'Count');
    metric('AlertsPublished', result.deliveries.filter((d) => d.published).length, 'Count');
    metric('AlertPublishFailures', result.deliveries.filter((d) => !d.published).length, 'Count');
    log({ event: 'source-run', sourceId: source.id, outcome, snapshotId, added: result.added, revised: result.revised, alerts: result.alerts.length, error: extra.error?.message });
    return result;
  };

  // 1. Fetch.
  let fetched;
  try {
    fetched = await fetchDocument(source.id, source.url, { etag: previous?.etag, lastModified: previous?.lastModified }, deps.fetchOptions);
  } catch (error) {
    return finish('failed', { error: toErrorDetail(error, 'fetch'), ...(error instanceof SourceError && error.field === 'status' ? { httpStatus: Number(error.value) } : {}) });
  }
  metric('FetchLatency', clock().getTime() - started.getTime(), 'Milliseconds');
  if (fetched.notModified) {
    return finish('unchanged', { httpStatus: 304, ...(fetched.finalUrl !== source.url ? { finalUrl: fetched.finalUrl } : {}) }, { lastOkAt: fetchedAt });
  }
  const document = { ...fetched, fetchedAt };
  const contentHash = sha256Hex(document.body);
  metric('FetchedBytes', document.body.length, 'Bytes');
  const provenance: Partial<Snapshot> = {
    httpStatus: document.status,
    contentHash,
    size: document.body.length,
    ...(document.headers['content-type'] ? { contentType: document.headers['content-type'] } : {}),
    ...(document.headers['etag'] ? { etag: document.headers['etag'] } : {}),
    ...(document.headers['last-modified'] ? { lastModified: document.headers['last-modified'] } : {}),
    ...(document.finalUrl !== source.url ? { finalUrl: document.finalUrl } : {}),
  };
  if (previous?.contentHash === contentHash) {
    return finish('unchanged', provenance, { lastOkAt: fetchedAt, etag: provenance.etag, lastModified: provenance.lastModified });
  }

  // 2. Parse. A bad document stores nothing but the failed snapshot and its evidence.
  let parsed;
  try {
    parsed = parserFor(source)(document, { source, snapshotId, ...(previous?.lastRowCount !== undefined ? { previousRowCount: previous.lastRowCount } : {}) });
  } catch (error) {
    return finish('failed', { ...provenance, error: toErrorDetail(error, 'parse'), sample: evidenceSample(document, source) });
  }
  metric('RowsParsed', parsed.rows, 'Count');
  // A parse that "succeeds" on a redesigned page is worse than one that fails: keep the evidence, store no data.
  const layout = assessLayout(parsed, previous?.lastRowCount);
  if (layout.suspect) {
    const error = new SourceError(`layout looks changed: ${layout.reason}`, {
      sourceId: source.id,
      stage: 'parse',
      url: source.url,
      field: 'layout',
      ...(parsed.skippedExample ? { value: parsed.skippedExample } : {}),
    });
    return finish('suspect', { ...provenance, error: error.toDetail(), sample: evidenceSample(document, source) });
  }

  // 3. Store. Observations first, then the snapshot that points to them.
  const seriesIds = [...new Set(parsed.observations.map((o) => o.seriesId))];
  const written = await store.writeObservations(parsed.observations, fetchedAt);
  result.added = written.added.length;
  result.revised = written.revised.length;
  // Announcement alerts are recorded before the announcements: once stored, an announcement is no longer new,
  // so a crash in between must not be able to lose its alert.
  const createdAt = clock().toISOString();
  const announcementAlerts = parsed.announcements
    .map((announcement) => announcementAlert({ announcement, source: alertSource, snapshot: { ...snapshot, ...provenance }, ...(source.topics ? { topics: source.topics } : {}), createdAt }))
    .filter((alert): alert is Alert => alert !== undefined);
  const recordedAnnouncementAlerts = await recordAlerts(announcementAlerts, { store, clock });
  result.announcements = (await store.putAnnouncements(parsed.announcements)).length;
  for (const alert of recordedAnnouncementAlerts) {
    result.alerts.push(alert);
    result.deliveries.push(await deliver(alert, deps));
  }
  for (const series of source.series) {
    if (seriesIds.includes(series.id) && !(await store.getSeries(series.id))) {
      await store.putSeries(seriesInfo(source, series));
    }
  }
  provenance.parseSummary = { rows: parsed.rows, observations: parsed.observations.length, announcements: parsed.announcements.length, series: seriesIds };

  // 4. Detect and alert, per series touched by this snapshot.
  const changed = [...written.added, ...written.revised];
  for (const series of source.series) {
    const periods = changed.filter((o) => o.seriesId === series.id);
    if (periods.length === 0) continue;
    try {
      const detection = await detectSeries(source, seriesInfo(source, series), periods, { ...snapshot, ...provenance }, deps, result.evaluations);
      // Record alerts before the episode state moves on: a crash in between re-detects, never loses one.
      const recorded = await recordAlerts(detection.alerts, { store, clock });
      await detection.commit();
      for (const alert of recorded) {
        result.alerts.push(alert);
        result.deliveries.push(await deliver(alert, deps));
      }
    } catch (error) {
      // Detection trouble in one series never loses the stored data; the run reports it.
      log({ event: 'detect-failed', sourceId: source.id, seriesId: series.id, error: (error as Error).message });
      result.error = toErrorDetail(error, 'detect');
    }
  }
  return finish('ok', provenance, {
    contentHash,
    lastOkAt: fetchedAt,
    lastRowCount: parsed.rows,
    ...(provenance.etag ? { etag: provenance.etag } : { etag: undefined }),
    ...(provenance.lastModified ? { lastModified: provenance.lastModified } : { lastModified: undefined }),
  });
}

function seriesInfo(source: SourceConfig, series: SourceConfig['series'][number]): SeriesInfo {
  return {
    seriesId: series.id,
    sourceId: source.id,
    unit: series.unit,
    granularity: series.granularity,
    country: source.country,
    ...(series.title ? { title: series.title } : {}),
    ...(series.labels ? { labels: series.labels } : {}),
  };
}

/**
 * Evaluates the new periods of one series, oldest first, folding each verdict into the series'
 * episode state. Reads one bounded window. Returns the alerts for episodes that opened or escalated,
 * and the commit of the new state, which the caller runs once the alerts are recorded.
 */
async function detectSeries(
  source: SourceConfig,
  series: SeriesInfo,
  changed: Observation[],
  snapshot: Snapshot,
  deps: PipelineDeps,
  evaluations: SourceRunResult['evaluations'],
): Promise<{ alerts: Alert[]; commit: () => Promise<void> }> {
  const config = source.series.find((s) => s.id === series.seriesId)?.detector;
  const detector = createDetector(config);
  const { state: initial, version } = await deps.store.getSeriesState(series.seriesId);
  const sorted = [...changed].sort((a, b) => a.period.localeCompare(b.period));
  const fresh = sorted.filter((o) => initial.lastEvaluatedPeriod === undefined || o.period > initial.lastEvaluatedPeriod);
  // A first fetch is a backfill: history is stored, only the newest period is judged.
  const limit = initial.lastEvaluatedPeriod === undefined ? BACKFILL_EVALUATED_PERIODS : MAX_EVALUATED_PERIODS;
  const toEvaluate = fresh.slice(-limit);
  if (toEvaluate.length === 0) return { alerts: [], commit: async () => undefined };
  const window = detector.windowSize(series.granularity);
  const newest = toEvaluate.at(-1)!.period;
  const points = await deps.store.observationWindow(series.seriesId, newest, window + toEvaluate.length);
  let state = initial;
  const alerts: Alert[] = [];
  for (const observation of toEvaluate) {
    const upTo = points.filter((p) => p.period <= observation.period).slice(-window);
    const evaluation = detector.evaluate(
      upTo.map((p) => ({ period: p.period, value: p.value, ...(p.provisional ? { provisional: true } : {}) })),
      { seriesId: series.seriesId, granularity: series.granularity, ...(series.country ? { country: series.country } : {}) },
    );
    evaluations.push({
      seriesId: series.seriesId,
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
      deps.log?.({ event: `episode-${event.type}`, seriesId: series.seriesId, period: evaluation.period, ratio: evaluation.ratio, expected: evaluation.expected });
      if (event.type === 'opened' || event.type === 'escalated') {
        alerts.push(
          seriesAlert({
            event,
            series,
            source: { id: source.id, title: source.title, url: source.url, country: source.country },
            snapshot,
            createdAt: deps.clock().toISOString(),
          }),
        );
      }
    }
  }
  const finalState = state;
  return { alerts, commit: () => deps.store.putSeriesState(series.seriesId, finalState, version) };
}
