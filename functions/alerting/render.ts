import type { AlertKind, Severity, Snapshot } from '../core/model';
import { ALERT_SCHEMA } from './alert-schema';
import type { AlertPayload } from './payload';
import { capText, safeUrl } from './text';

/** What every alert says about where it comes from. */
export interface AlertSource {
  id: string;
  title: string;
  url: string;
  country?: string;
}

export type ProvenanceSnapshot = Pick<Snapshot, 'snapshotId' | 'fetchedAt' | 'url' | 'contentHash'>;

/** Lines of an email that say where the alert comes from: the source, the document and the fetch. */
export function provenanceLines(source: AlertSource, snapshot: ProvenanceSnapshot): string[] {
  return [
    `Source:    ${capText(source.title, 200)}`,
    `URL:       ${safeUrl(snapshot.url) ?? '(not a web address)'}`,
    `Fetched:   ${snapshot.fetchedAt}`,
    `Snapshot:  ${capText(snapshot.snapshotId, 200)}${snapshot.contentHash ? ` (sha256 ${snapshot.contentHash.slice(0, 16)}…)` : ''}`,
  ];
}

/** The closing lines of every email: which alert this is, and how to find it again. */
export function footerLines(alert: { alertId: string; kind: AlertKind; severity: Severity; country?: string; subjectId: string }): string[] {
  return [
    '',
    '-- ',
    `borderwatch alert ${alert.alertId} (${[alert.kind, alert.severity, alert.country, alert.subjectId].filter(Boolean).join(', ')})`,
    `Machine subscribers receive this alert as JSON, schema ${ALERT_SCHEMA}.`,
  ];
}

export function provenancePayload(snapshot: ProvenanceSnapshot): AlertPayload['provenance'] {
  return {
    snapshotId: snapshot.snapshotId,
    url: safeUrl(snapshot.url) ?? '',
    fetchedAt: snapshot.fetchedAt,
    ...(snapshot.contentHash ? { contentHash: snapshot.contentHash } : {}),
  };
}

export function sourcePayload(source: AlertSource): AlertPayload['source'] {
  return { id: source.id, title: capText(source.title, 200), url: safeUrl(source.url) ?? '' };
}
