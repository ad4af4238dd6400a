import { SourceError, excerpt, toErrorDetail } from '../core/errors';
import type { Alert, Observation, Snapshot } from '../core/model';
import { noMetric } from '../core/telemetry';
import { announcementAlert } from '../alerting/announcement-alert';
import { recordAlerts } from '../alerting/record';
import type { SourceConfig } from '../sources/config';
import { documentEvidence, type FetchedDocument } from '../sources/document';
import { assessLayout } from '../sources/layout';
// From `lazy`, not the parsers index: HTML parsers (cheerio) load only when a source needs them.
import { parseDocument } from '../sources/parsers/lazy';
import { ArchivedDocumentAltered, DocumentNotArchived, readArchived, type DocumentArchive } from '../store/document-archive';
import type { FetchHandover } from './fetch-stage';
import { emptyResult, finishRun, finishUnchanged, startRun, type FetchStageResult, type RunRecord, type StageDeps } from './run-record';
import { alertSourceOf, seriesInfo } from './series-info';

/** Per series, the newest periods a snapshot records as changed: more than any run judges (62), small in the item. */
const MAX_CHANGES_PER_SERIES = 100;

function changesBySeries(changed: readonly Observation[]): Record<string, string[]> {
  const bySeries: Record<string, string[]> = {};
  for (const o of changed) (bySeries[o.seriesId] ??= []).push(o.period);
  for (const [seriesId, periods] of Object.entries(bySeries)) bySeries[seriesId] = [...new Set(periods)].sort().slice(-MAX_CHANGES_PER_SERIES);
  return bySeries;
}

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
 * The parse half of a run: parse, check the layout, store observations and announcements, record
 * announcement alerts, and write the snapshot. A bad document stores nothing but a failed (or suspect)
 * snapshot with its reason and evidence; nothing already stored changes.
 */
export async function parseStage(run: RunRecord, document: FetchedDocument, provenance: Partial<Snapshot>, deps: StageDeps): Promise<FetchStageResult> {
  const { store, clock } = deps;
  const { source, previous, snapshot, result } = run;
  const metric = deps.metric ?? noMetric;
  const { snapshotId } = snapshot;

  let parsed;
  try {
    parsed = await parseDocument(source, document, { source, snapshotId, ...(previous?.lastRowCount !== undefined ? { previousRowCount: previous.lastRowCount } : {}) });
  } catch (error) {
    return finishRun(run, deps, 'failed', { ...provenance, error: toErrorDetail(error, 'parse'), sample: evidenceSample(document, source) });
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
    return finishRun(run, deps, 'suspect', { ...provenance, error: error.toDetail(), sample: evidenceSample(document, source) });
  }

  // Observations first, then the snapshot that points to them.
  const seriesIds = [...new Set(parsed.observations.map((o) => o.seriesId))];
  const written = await store.writeObservations(parsed.observations, snapshot.fetchedAt);
  result.added = written.added.length;
  result.revised = written.revised.length;
  result.changed = [...written.added, ...written.revised];
  // Announcement alerts are recorded before the announcements: once stored, an announcement is no longer new,
  // so a crash in between must not be able to lose its alert.
  const createdAt = clock().toISOString();
  const alertSource = alertSourceOf(source);
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
  const summary: Partial<Snapshot> = {
    ...provenance,
    parseSummary: { rows: parsed.rows, observations: parsed.observations.length, announcements: parsed.announcements.length, series: seriesIds },
    ...(result.changed.length > 0 ? { changes: changesBySeries(result.changed) } : {}),
  };
  return finishRun(run, deps, 'ok', summary, {
    contentHash: provenance.contentHash,
    lastOkAt: snapshot.fetchedAt,
    lastRowCount: parsed.rows,
    ...(provenance.etag ? { etag: provenance.etag } : { etag: undefined }),
    ...(provenance.lastModified ? { lastModified: provenance.lastModified } : { lastModified: undefined }),
  });
}

export interface ParseFetchedDeps extends StageDeps {
  archive: DocumentArchive;
}

/**
 * The deployed parse function's stage: picks up a hand-over from the fetch function, reads the
 * document back from the archive (checking its hash) and finishes the run. Idempotent: a run already
 * done is skipped, and a document another run already parsed is recorded as unchanged.
 */
export async function parseFetched(source: SourceConfig, handover: FetchHandover, deps: ParseFetchedDeps): Promise<FetchStageResult> {
  const { store } = deps;
  if (await store.isRunDone(source.id, handover.runAt)) return { ...emptyResult(source.id), outcome: 'skipped' };
  const previous = await store.getSourceState(source.id);
  const run = startRun(source, handover.runAt, previous, handover.fetchedAt, handover.startedAt);
  const { provenance } = handover;
  if (previous?.contentHash === provenance.contentHash) return finishUnchanged(run, deps, provenance);
  let body: Uint8Array;
  try {
    body = await readArchived(deps.archive, provenance.documentKey ?? '', provenance.contentHash);
  } catch (error) {
    // Missing or altered bytes will not come back by retrying: a failed snapshot says so. Other errors (S3 throttling) are retried.
    if (!(error instanceof DocumentNotArchived || error instanceof ArchivedDocumentAltered)) throw error;
    const detail = new SourceError((error as Error).message, { sourceId: source.id, stage: 'parse', url: source.url, field: 'documentKey', value: provenance.documentKey ?? '' });
    return finishRun(run, deps, 'failed', { ...provenance, error: detail.toDetail() });
  }
  const document: FetchedDocument = { url: source.url, finalUrl: handover.finalUrl, status: handover.status, headers: handover.headers, body, fetchedAt: handover.fetchedAt };
  return parseStage(run, document, provenance, deps);
}
