import type { Announcement, Snapshot, StoredObservation } from '../core/model';
import type { SeriesInfo } from '../store/repository';
import type { PublicAlert } from './queries';

/** One column of a listing, shared by the CSV output of the API and the CLI's table and CSV output. */
export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | undefined;
}

export const seriesColumns: Column<SeriesInfo>[] = [
  { header: 'series_id', value: (s) => s.seriesId },
  { header: 'source_id', value: (s) => s.sourceId },
  { header: 'granularity', value: (s) => s.granularity },
  { header: 'unit', value: (s) => s.unit },
  { header: 'country', value: (s) => s.country },
  { header: 'title', value: (s) => s.title },
];

export const observationColumns: Column<StoredObservation>[] = [
  { header: 'series_id', value: (o) => o.seriesId },
  { header: 'period', value: (o) => o.period },
  { header: 'value', value: (o) => o.value },
  { header: 'unit', value: (o) => o.unit },
  { header: 'provisional', value: (o) => o.provisional ?? false },
  { header: 'revisions', value: (o) => o.revisions },
  { header: 'previous_value', value: (o) => o.previousValue },
  { header: 'snapshot_id', value: (o) => o.snapshotId },
  { header: 'first_seen_at', value: (o) => o.firstSeenAt },
  { header: 'updated_at', value: (o) => o.updatedAt },
];

export const snapshotColumns: Column<Snapshot>[] = [
  { header: 'fetched_at', value: (s) => s.fetchedAt },
  { header: 'outcome', value: (s) => s.outcome },
  { header: 'http_status', value: (s) => s.httpStatus },
  { header: 'content_hash', value: (s) => s.contentHash },
  { header: 'size', value: (s) => s.size },
  { header: 'url', value: (s) => s.finalUrl ?? s.url },
  { header: 'snapshot_id', value: (s) => s.snapshotId },
  { header: 'error', value: (s) => s.error?.message },
  // Where the raw document is archived: the proof behind the snapshot.
  { header: 'document_key', value: (s) => s.documentKey },
];

export const announcementColumns: Column<Announcement>[] = [
  { header: 'published_at', value: (a) => a.publishedAt },
  { header: 'source_id', value: (a) => a.sourceId },
  { header: 'language', value: (a) => a.language },
  { header: 'topics', value: (a) => (a.topics ?? []).join(' ') },
  { header: 'title', value: (a) => a.title },
  { header: 'url', value: (a) => a.url },
];

export const alertColumns: Column<PublicAlert>[] = [
  { header: 'created_at', value: (a) => a.createdAt },
  { header: 'kind', value: (a) => a.kind },
  { header: 'severity', value: (a) => a.severity },
  { header: 'subject', value: (a) => `${a.subject.type}:${a.subject.id}` },
  { header: 'period', value: (a) => a.period },
  { header: 'state', value: (a) => a.state },
  { header: 'summary', value: (a) => a.message.subject },
  { header: 'alert_id', value: (a) => a.alertId },
];
