import type { Clock } from '../core/clock';
import { SourceError, excerpt, toErrorDetail } from '../core/errors';
import { sha256Hex } from '../core/hash';
import type { Alert, ErrorDetail, Observation, Snapshot } from '../core/model';
import { noMetric, type LogFn, type MetricFn } from '../core/telemetry';
import { announcementAlert } from '../alerting/announcement-alert';
import { recordAlerts } from '../alerting/record';
import { sourceHealthAlert } from '../alerting/source-health-alert';
import type { SourceConfig } from '../sources/config';
import { documentEvidence, type FetchedDocument } from '../sources/document';
import { fetchDocument, type FetchOptions } from '../sources/fetcher';
import { assessLayout } from '../sources/layout';
// From `lazy`, not the parsers index: HTML parsers (cheerio) load only when a source needs them.
import { parseDocument } from '../sources/parsers/lazy';
import type { SourceState, Store } from '../store/repository';
import { alertSourceOf, seriesInfo } from './series-info';

/** What fetching needs: no notifier. Publishing is another stage, so a slow SNS never delays a fetch. */
export interface FetchStageDeps {
  store: Store;
  clock: Clock;
  fetchOptions: FetchOptions;
  log?: LogFn;
  /** Metrics per run (no per-source dimension: custom metrics are billed per dimension set). */
  metric?: MetricFn;
}

export interface FetchStageResult {
  sourceId: string;
  /** `skipped`: this scheduled run of the source was already completed (a retried invocation). */
  outcome: Snapshot['outcome'] | 'skipped';
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

/** Per series, the newest periods a snapshot records as changed: more than any run judges (62), small in the item. */
const MAX_CHANGES_PER_SERIES = 100;

function changesBySeries(changed: readonly Observation[]): Record<string, string[]> {
  const bySeries: Record<string, string[]> = {};
  for (const o of changed) (bySeries[o.seriesId] ??= []).push(o.period);
  for (const [seriesId, periods] of Object.entries(bySeries)) bySeries[seriesId] = [...new Set(periods)].sort().slice(-MAX_CHANGES_PER_SERIES);
  return bySeries;
}

/** Run markers expire: they only need to outlive the retries of the same scheduled run. */
const RUN_MARKER_TTL_S = 7 * 24 * 3600;
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
 * The fetch stage of one scheduled run of one source: fetch, snapshot, parse, layout check, store
 * observations and announcements, record announcement and source-health alerts. Every failure is a
 * failed (or suspect) snapshot with its reason; nothing already stored changes when a document is bad.
 */
export async function fetchAndStore(source: SourceConfig, runAt: string, deps: FetchStageDeps): Promise<FetchStageResult> {
  const { store, clock } = deps;
  const log = deps.log ?? (() => undefined);
  const metric = deps.metric ?? noMetric;
  const result: FetchStageResult = { sourceId: source.id, outcome: 'failed', added: 0, revised: 0, announcements: 0, changed: [], recorded: [] };

  if (await store.isRunDone(source.id, runAt)) return { ...result, outcome: 'skipped' };
  const previous = await store.getSourceState(source.id);
  const started = clock();
  const fetchedAt = started.toISOString();
  const snapshotId = `${source.id}@${fetchedAt}`;
  const snapshot: Snapshot = { sourceId: source.id, snapshotId, runAt, fetchedAt, url: source.url, outcome: 'failed' };
  result.snapshot = snapshot;
  const alertSource = alertSourceOf(source);

  const finish = async (outcome: Snapshot['outcome'], extra: Partial<Snapshot> = {}, stateUpdate: Partial<SourceState> = {}) => {
    Object.assign(snapshot, extra, { outcome, durationMs: clock().getTime() - started.getTime() });
    await store.putSnapshot(snapshot);
    const failed = outcome === 'failed' || outcome === 'suspect';
    const state: SourceState = {
      sourceId: source.id,
      lastFetchedAt: fetchedAt,
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
    const health = sourceHealthAlert({ source: alertSource, state, snapshot, createdAt: clock().toISOString() });
    if (health) result.recorded.push(...(await recordAlerts([health], { store, clock })));
    if (!failed) await store.markRunDone(source.id, runAt, snapshotId, Math.floor(Date.parse(fetchedAt) / 1000) + RUN_MARKER_TTL_S);
    result.outcome = outcome;
    if (extra.error) result.error = extra.error;
    if (outcome === 'failed') metric('SourceFailures', 1, 'Count');
    if (outcome === 'suspect') metric('SuspectSnapshots', 1, 'Count');
    metric('ObservationsAdded', result.added, 'Count');
    metric('ObservationsRevised', result.revised, 'Count');
    log({ event: 'source-fetch', sourceId: source.id, outcome, snapshotId, added: result.added, revised: result.revised, error: extra.error?.message });
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
    parsed = await parseDocument(source, document, { source, snapshotId, ...(previous?.lastRowCount !== undefined ? { previousRowCount: previous.lastRowCount } : {}) });
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
  result.changed = [...written.added, ...written.revised];
  // Announcement alerts are recorded before the announcements: once stored, an announcement is no longer new,
  // so a crash in between must not be able to lose its alert.
  const createdAt = clock().toISOString();
  const announcementAlerts = parsed.announcements
    .map((announcement) => announcementAlert({ announcement, source: alertSource, snapshot: { ...snapshot, ...provenance }, ...(source.topics ? { topics: source.topics } : {}), createdAt }))
    .filter((alert): alert is Alert => alert !== undefined);
  result.recorded.push(...(await recordAlerts(announcementAlerts, { store, clock })));
  result.announcements = (await store.putAnnouncements(parsed.announcements)).length;
  for (const series of source.series) {
    if (seriesIds.includes(series.id) && !(await store.getSeries(series.id))) {
      await store.putSeries(seriesInfo(source, series));
    }
  }
  provenance.parseSummary = { rows: parsed.rows, observations: parsed.observations.length, announcements: parsed.announcements.length, series: seriesIds };
  if (result.changed.length > 0) provenance.changes = changesBySeries(result.changed);
  return finish('ok', provenance, {
    contentHash,
    lastOkAt: fetchedAt,
    lastRowCount: parsed.rows,
    ...(provenance.etag ? { etag: provenance.etag } : { etag: undefined }),
    ...(provenance.lastModified ? { lastModified: provenance.lastModified } : { lastModified: undefined }),
  });
}
