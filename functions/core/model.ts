/**
 * The vocabulary of borderwatch. One name per concept, used in code, tables, CLI and docs:
 * source, fetch, snapshot, observation, series, announcement, detector, anomaly, episode, alert, subscriber.
 */

/** How often a series reports. A period key is `YYYY-MM-DD` (day), `YYYY-Www` (ISO week) or `YYYY-MM` (month). */
export type Granularity = 'day' | 'week' | 'month';

/** What a fetch of a source ended as. */
export type SnapshotOutcome =
  /** The document was fetched and parsed; its observations/announcements were stored. */
  | 'ok'
  /** The document did not change since the last fetch (304, or the same content hash): nothing parsed. */
  | 'unchanged'
  /** The fetch or the parse failed: nothing was stored from it. */
  | 'failed'
  /** The document parsed, but looks like the page layout changed: evidence kept, nothing stored from it. */
  | 'suspect';

/** One fetch of one source, with its provenance. */
export interface Snapshot {
  sourceId: string;
  /** Stable id of this snapshot: `<sourceId>@<fetchedAt>`. Observations point back to it. */
  snapshotId: string;
  /** The scheduled time of the run that made this fetch (identifies the run; makes re-runs idempotent). */
  runAt: string;
  fetchedAt: string;
  url: string;
  /** Final URL after redirects, when different from `url`. */
  finalUrl?: string;
  httpStatus?: number;
  contentHash?: string;
  size?: number;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  durationMs?: number;
  outcome: SnapshotOutcome;
  parseSummary?: ParseSummary;
  error?: ErrorDetail;
  /** Where the raw document is archived (deployed: the documents bucket), for changed documents. */
  documentKey?: string;
  /** For failed/suspect snapshots: the first bytes of the document, as evidence. */
  sample?: string;
  /**
   * For ok snapshots: per series, the periods this fetch added or revised (the newest, capped). The
   * detect stage judges exactly these, knowing the whole fetch at once (a first fetch is a backfill).
   */
  changes?: Record<string, string[]>;
}

export interface ParseSummary {
  rows: number;
  observations: number;
  announcements: number;
  series: string[];
}

export interface ErrorDetail {
  message: string;
  /** Where it happened: fetch, parse, store, detect, alert. */
  stage: string;
  field?: string;
  value?: string;
}

/** A value of a series for one period, as a source reported it. */
export interface Observation {
  seriesId: string;
  period: string;
  value: number;
  unit: string;
  sourceId: string;
  snapshotId: string;
  /** True for a figure that covers only part of its period (e.g. "until 07:00"). */
  provisional?: boolean;
}

/** The stored, current state of one observation, with its revision history summarized. */
export interface StoredObservation extends Observation {
  firstSeenAt: string;
  updatedAt: string;
  /** How many times the source changed this figure after first publishing it. */
  revisions: number;
  previousValue?: number;
}

/** One version of an observation as seen in one snapshot: the history of revisions. */
export interface ObservationRevision {
  seriesId: string;
  period: string;
  value: number;
  snapshotId: string;
  recordedAt: string;
}

/** An official announcement (press release, news item). */
export interface Announcement {
  sourceId: string;
  /** Stable id: the item's guid/URL, hashed when needed. */
  announcementId: string;
  title: string;
  url: string;
  publishedAt: string;
  language: string;
  excerpt: string;
  snapshotId: string;
  topics?: string[];
}

export type AnomalyDirection = 'up' | 'down';
export type AlertKind = 'surge' | 'drop' | 'shift' | 'announcement' | 'source-health';
export type Severity = 'info' | 'warning' | 'critical';
export type AlertState = 'pending' | 'published';
/** Subscriber classes that flood control can hold an alert back from (machine subscribers get every alert). */
export type Channel = 'email' | 'sms';

/** What an alert is about. */
export interface AlertSubject {
  type: 'series' | 'announcement' | 'source';
  id: string;
}

/** A message ready to publish: one text per channel plus a machine-readable body. */
export interface RenderedMessage {
  subject: string;
  sms: string;
  email: string;
  json: Record<string, unknown>;
}

/** A recorded alert. Recorded before it is published; published exactly once. */
export interface Alert {
  alertId: string;
  kind: AlertKind;
  subject: AlertSubject;
  severity: Severity;
  state: AlertState;
  createdAt: string;
  /** For series alerts: the period that opened the episode. */
  period?: string;
  sourceId: string;
  country?: string;
  message: RenderedMessage;
  /** Evidence behind the alert (values, baseline, ratio, provenance). */
  evidence: Record<string, unknown>;
  /** Announcement topics (closure, restriction, ...), published as a String.Array message attribute. */
  topics?: string[];
  /**
   * The subscriber classes this alert goes to, decided by flood control before it is recorded (and
   * kept, so a retried publish sends it to the same ones). Absent: every class.
   */
  channels?: Channel[];
  attempts: number;
  lastError?: string;
  publishedAt?: string;
  messageId?: string;
}
