import { SourceError, toErrorDetail } from '../core/errors';
import { sha256Hex } from '../core/hash';
import type { Snapshot } from '../core/model';
import { noMetric } from '../core/telemetry';
import type { SourceConfig } from '../sources/config';
import type { FetchedDocument } from '../sources/document';
import { fetchDocument, type FetchOptions } from '../sources/fetcher';
import { documentKey, type DocumentArchive } from '../store/document-archive';
import { emptyResult, finishRun, finishUnchanged, startRun, type FetchStageResult, type RunRecord, type StageDeps } from './run-record';

// No parser is imported here: deployed, the fetch function carries the HTTP client and the parse
// function carries the parsers, so neither bundle holds both.

export interface FetchStageDeps extends StageDeps {
  fetchOptions: FetchOptions;
}

/**
 * A changed document, fetched and hashed, handed to the parse stage: everything the snapshot needs
 * except the bytes, which wait in the document archive under `provenance.documentKey`.
 */
export interface FetchHandover {
  sourceId: string;
  runAt: string;
  snapshotId: string;
  fetchedAt: string;
  /** Epoch milliseconds when the fetch began: the snapshot's duration spans fetch and parse. */
  startedAt: number;
  status: number;
  finalUrl: string;
  /** The response headers parsers read (Content-Type, for the charset). */
  headers: Record<string, string>;
  provenance: Partial<Snapshot> & { contentHash: string };
}

/** Where a fetch ended: done (skipped, failed, unchanged), or a changed document for the parse stage. */
export type FetchStageOutcome = { done: FetchStageResult } | { run: RunRecord; document: FetchedDocument; handover: FetchHandover };

/**
 * The fetch half of a run: fetch with the source's validators, snapshot a failure or an unchanged
 * document at once, and return a changed one with its provenance.
 */
export async function fetchStage(source: SourceConfig, runAt: string, deps: FetchStageDeps): Promise<FetchStageOutcome> {
  const { store, clock } = deps;
  const metric = deps.metric ?? noMetric;
  if (await store.isRunDone(source.id, runAt)) return { done: { ...emptyResult(source.id), outcome: 'skipped' } };
  const previous = await store.getSourceState(source.id);
  const started = clock();
  const fetchedAt = started.toISOString();
  const run = startRun(source, runAt, previous, fetchedAt, started.getTime());
  const { snapshotId } = run.snapshot;

  let fetched;
  try {
    fetched = await fetchDocument(source.id, source.url, { etag: previous?.etag, lastModified: previous?.lastModified }, deps.fetchOptions);
  } catch (error) {
    const httpStatus = error instanceof SourceError && error.field === 'status' ? { httpStatus: Number(error.value) } : {};
    return { done: await finishRun(run, deps, 'failed', { error: toErrorDetail(error, 'fetch'), ...httpStatus }) };
  }
  metric('FetchLatency', clock().getTime() - started.getTime(), 'Milliseconds');
  if (fetched.notModified) {
    return { done: await finishRun(run, deps, 'unchanged', { httpStatus: 304, ...(fetched.finalUrl !== source.url ? { finalUrl: fetched.finalUrl } : {}) }, { lastOkAt: fetchedAt }) };
  }
  const document: FetchedDocument = { ...fetched, fetchedAt };
  const contentHash = sha256Hex(document.body);
  metric('FetchedBytes', document.body.length, 'Bytes');
  const provenance: FetchHandover['provenance'] = {
    httpStatus: document.status,
    contentHash,
    size: document.body.length,
    ...(document.headers['content-type'] ? { contentType: document.headers['content-type'] } : {}),
    ...(document.headers['etag'] ? { etag: document.headers['etag'] } : {}),
    ...(document.headers['last-modified'] ? { lastModified: document.headers['last-modified'] } : {}),
    ...(document.finalUrl !== source.url ? { finalUrl: document.finalUrl } : {}),
  };
  if (previous?.contentHash === contentHash) return { done: await finishUnchanged(run, deps, provenance) };
  const headers: Record<string, string> = document.headers['content-type'] ? { 'content-type': document.headers['content-type'] } : {};
  const handover: FetchHandover = { sourceId: source.id, runAt, snapshotId, fetchedAt, startedAt: run.startedAt, status: document.status, finalUrl: document.finalUrl, headers, provenance };
  return { run, document, handover };
}

/** Keeps a changed document in the archive and names it in the provenance. */
export async function archiveDocument(archive: DocumentArchive, handover: FetchHandover, body: Uint8Array): Promise<void> {
  const key = documentKey(handover.sourceId, handover.provenance.contentHash);
  await archive.put(key, body, handover.provenance.contentType);
  handover.provenance.documentKey = key;
}

export interface HandOverDeps extends FetchStageDeps {
  archive: DocumentArchive;
  /** Delivers the hand-over to the parse stage (deployed: the parse function's queue). */
  handOver: (handover: FetchHandover) => Promise<void>;
}

/**
 * The deployed fetch function's stage: a changed document goes to the archive and its hand-over to
 * the parse function's queue. The bytes are stored before the hand-over is sent, so a hand-over never
 * points at nothing; a failure in between throws, and the retried job archives the same key again.
 */
export async function fetchAndHandOver(source: SourceConfig, runAt: string, deps: HandOverDeps): Promise<FetchStageResult> {
  const outcome = await fetchStage(source, runAt, deps);
  if ('done' in outcome) return outcome.done;
  const { run, document, handover } = outcome;
  await archiveDocument(deps.archive, handover, document.body);
  await deps.handOver(handover);
  deps.log?.({ event: 'source-fetch', sourceId: source.id, outcome: 'fetched', snapshotId: handover.snapshotId, documentKey: handover.provenance.documentKey });
  run.result.outcome = 'fetched';
  return run.result;
}
