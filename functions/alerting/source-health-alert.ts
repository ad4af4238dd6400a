import { stableId } from '../core/hash';
import type { Alert, Snapshot } from '../core/model';
import type { SourceState } from '../store/repository';
import { ALERT_SCHEMA } from './alert-schema';
import type { AlertPayload } from './payload';
import { footerLines, provenanceLines, provenancePayload, sourcePayload, type AlertSource } from './render';
import { fitSms, toGsm } from './sms';
import { capText, fitSubject, safeUrl } from './text';

/** Consecutive failed fetches before operators hear about a source (one failure is often a blip). */
export const DEFAULT_FAILURE_THRESHOLD = 3;

export interface SourceHealthInput {
  source: AlertSource;
  /** The source's state after this fetch was counted (what `putSourceState` just wrote). */
  state: Pick<SourceState, 'consecutiveFailures' | 'lastOkAt' | 'lastOutcome'>;
  /** This fetch. */
  snapshot: Pick<Snapshot, 'snapshotId' | 'fetchedAt' | 'url' | 'contentHash' | 'outcome' | 'httpStatus' | 'error'>;
  createdAt: string;
  /** @default DEFAULT_FAILURE_THRESHOLD */
  failureThreshold?: number;
}

/**
 * The operators' alert about a source in trouble, or undefined when it is healthy enough: a layout
 * that looks changed (a `suspect` snapshot) at once, failures once `failureThreshold` fetches in a
 * row failed. One alert per failure streak: the id is the source and the last good fetch before the
 * streak (`lastOkAt`), which every run of the same streak shares, so later runs record nothing new
 * and the next streak (after a good fetch) gets a new id.
 */
export function sourceHealthAlert(input: SourceHealthInput): Alert | undefined {
  const { source, state, snapshot } = input;
  const threshold = Math.max(1, input.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD);
  const layout = snapshot.outcome === 'suspect';
  const failing = (snapshot.outcome === 'failed' || layout) && state.consecutiveFailures >= threshold;
  if (!layout && !failing) return undefined;

  const reason = layout ? 'layout' : 'failing';
  const streakAfter = state.lastOkAt ?? 'never';
  const alertId = stableId('source-health', source.id, streakAfter);
  const severity = layout ? 'warning' : 'critical';
  const error = snapshot.error ? capText(`${snapshot.error.stage}: ${snapshot.error.message}`, 300) : undefined;
  const streak = `${state.consecutiveFailures} failed fetch${state.consecutiveFailures === 1 ? '' : 'es'} in a row`;
  const headline = layout ? 'layout looks changed' : streak;
  const since = state.lastOkAt ? `last good fetch ${state.lastOkAt}` : 'no good fetch yet';

  const subject = fitSubject([
    { text: `[borderwatch ops] Source ${source.id}:`, fit: 'keep' },
    { text: headline, fit: 'keep' },
    { text: state.lastOkAt ? `(last good ${state.lastOkAt.slice(0, 10)})` : '(never fetched well)', fit: 'drop' },
  ]);
  const sms = fitSms([
    { text: `borderwatch OPS ${source.id}: ${headline}, ${since}.`, fit: 'keep' },
    { text: toGsm(error ?? ''), fit: 'shorten', minLength: 20 },
  ]);
  const email = [
    layout
      ? `The source "${capText(source.title, 200)}" was fetched, but the document does not look like it used to: nothing was stored from it.`
      : `The source "${capText(source.title, 200)}" failed ${streak}.`,
    '',
    `Outcome:   ${snapshot.outcome}${snapshot.httpStatus !== undefined ? ` (HTTP ${snapshot.httpStatus})` : ''}`,
    ...(error ? [`Error:     ${error}`] : []),
    ...(snapshot.error?.field ? [`Field:     ${capText(snapshot.error.field, 100)}${snapshot.error.value ? ` = ${capText(snapshot.error.value, 100)}` : ''}`] : []),
    `Failures:  ${state.consecutiveFailures} in a row`,
    `Last good: ${state.lastOkAt ?? 'never'}`,
    '',
    'You get one alert per failure streak; the next one comes after the source has been fetched well again.',
    `The failed snapshot keeps the evidence (hash, size, the first bytes): ${snapshot.snapshotId}`,
    '',
    ...provenanceLines(source, snapshot),
    ...footerLines({ alertId, kind: 'source-health', severity, ...(source.country ? { country: source.country } : {}), subjectId: source.id }),
  ].join('\n');
  const payload: AlertPayload = {
    schema: ALERT_SCHEMA,
    alertId,
    kind: 'source-health',
    severity,
    createdAt: input.createdAt,
    headline: subject.replace(/^\[borderwatch ops\] /, ''),
    ...(source.country ? { country: source.country } : {}),
    source: sourcePayload(source),
    subject: { type: 'source', id: source.id },
    sourceHealth: {
      reason,
      consecutiveFailures: state.consecutiveFailures,
      lastOutcome: snapshot.outcome,
      ...(state.lastOkAt ? { lastOkAt: state.lastOkAt } : {}),
      ...(error ? { error } : {}),
    },
    provenance: provenancePayload(snapshot),
  };
  return {
    alertId,
    kind: 'source-health',
    subject: { type: 'source', id: source.id },
    severity,
    state: 'pending',
    createdAt: input.createdAt,
    sourceId: source.id,
    ...(source.country ? { country: source.country } : {}),
    message: { subject, sms, email, json: payload },
    evidence: {
      reason,
      consecutiveFailures: state.consecutiveFailures,
      lastOkAt: state.lastOkAt,
      outcome: snapshot.outcome,
      httpStatus: snapshot.httpStatus,
      error,
      snapshotId: snapshot.snapshotId,
      url: safeUrl(snapshot.url),
      fetchedAt: snapshot.fetchedAt,
    },
    attempts: 0,
  };
}
