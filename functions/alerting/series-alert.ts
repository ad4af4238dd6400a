import { stableId } from '../core/hash';
import type { Alert } from '../core/model';
import type { EpisodeEvent } from '../detection/episodes';
import type { SeriesInfo } from '../store/repository';
import { ALERT_SCHEMA } from './alert-schema';
import type { AlertPayload } from './payload';
import { footerLines, provenanceLines, provenancePayload, sourcePayload, type ProvenanceSnapshot } from './render';
import { fitSms, toGsm } from './sms';
import { capText, fitSubject, formatCount, formatRatio, safeUrl } from './text';

export interface SeriesAlertInput {
  event: Extract<EpisodeEvent, { type: 'opened' | 'escalated' }>;
  series: SeriesInfo;
  source: { id: string; title: string; url: string; country: string };
  snapshot: ProvenanceSnapshot;
  createdAt: string;
}

/** At most this many baseline values are listed in an email (a weekly detector may use dozens). */
const BASELINE_LINES = 14;

const VERB = { surge: 'Surge', drop: 'Drop', shift: 'Shift' } as const;

/** The detector's baseline points, when its evidence has them in the usual shape. */
function baselineOf(evidence: Record<string, unknown>): Array<{ period: string; value: number }> | undefined {
  const baseline = evidence['baseline'];
  if (!Array.isArray(baseline)) return undefined;
  const points = baseline.filter(
    (p): p is { period: string; value: number } =>
      typeof p === 'object' && p !== null && typeof (p as { period?: unknown }).period === 'string' && typeof (p as { value?: unknown }).value === 'number',
  );
  return points.length > 0 ? points.map((p) => ({ period: capText(p.period, 20), value: p.value })) : undefined;
}

/**
 * The alert for an episode that opened (or escalated). Its id depends only on the series, the kind and
 * the period that opened the episode (and the severity it escalated to), so the same anomaly seen
 * again can never be alerted twice.
 */
export function seriesAlert(input: SeriesAlertInput): Alert {
  const { event, series, source, snapshot } = input;
  const { evaluation, episode } = event;
  const kind = episode.kind;
  const severity = evaluation.severity ?? episode.severity;
  const escalated = event.type === 'escalated';
  const alertId = stableId('series', series.seriesId, kind, episode.openedPeriod, escalated ? `escalated:${severity}` : 'opened');
  const name = capText(series.title ?? series.seriesId, 160);
  const ratio = evaluation.ratio ?? episode.peakRatio;
  const expected = evaluation.expected;
  const unit = capText(series.unit, 40);
  const rule = typeof evaluation.evidence['rule'] === 'string' ? capText(evaluation.evidence['rule'], 200) : undefined;
  const baseline = baselineOf(evaluation.evidence);
  const link = safeUrl(snapshot.url);
  const verb = VERB[kind];
  const figures = `${formatCount(evaluation.value)} on ${evaluation.period}`;
  const versus = expected !== undefined ? ` vs ${formatCount(expected)} expected (${formatRatio(ratio)})` : '';

  const subject = fitSubject([
    { text: `[borderwatch] ${verb}${escalated ? ` (now ${severity})` : ''}:`, fit: 'keep' },
    { text: name, fit: 'shorten', minLength: 16 },
    { text: `${figures}${expected !== undefined ? ` (${formatRatio(ratio)})` : ''}`, fit: 'keep' },
  ]);
  const sms = fitSms([
    { text: `borderwatch ${verb.toUpperCase()}${escalated ? ` now ${severity}` : ''} ${source.country}:`, fit: 'keep' },
    { text: toGsm(name), fit: 'shorten', minLength: 20 },
    { text: `${figures}${versus}.`, fit: 'keep' },
    { text: link ?? '', fit: 'drop' },
  ]);
  const email = [
    `${verb} in ${name}${escalated ? `: severity rose to ${severity}` : ''}.`,
    '',
    `Value:     ${formatCount(evaluation.value)} ${unit} on ${evaluation.period} (${series.granularity})`,
    ...(expected !== undefined
      ? [`Expected:  ${formatCount(expected)}`, `Ratio:     ${formatRatio(ratio)} (${formatCount(evaluation.value)} / ${formatCount(expected)})`]
      : []),
    `Severity:  ${severity}`,
    `Episode:   opened ${episode.openedPeriod}${escalated ? `, escalated ${evaluation.period}` : ''}`,
    ...(rule || baseline
      ? [
          '',
          'Baseline:',
          ...(rule ? [`  ${rule}`] : []),
          ...(baseline ?? []).slice(-BASELINE_LINES).map((p) => `  ${p.period.padEnd(10)}  ${formatCount(p.value).padStart(9)}`),
        ]
      : []),
    '',
    ...provenanceLines(source, snapshot),
    ...footerLines({ alertId, kind, severity, country: source.country, subjectId: series.seriesId }),
  ].join('\n');
  const payload: AlertPayload = {
    schema: ALERT_SCHEMA,
    alertId,
    kind,
    severity,
    createdAt: input.createdAt,
    headline: subject.replace(/^\[borderwatch\] /, ''),
    country: source.country,
    source: sourcePayload(source),
    subject: { type: 'series', id: series.seriesId },
    series: {
      id: series.seriesId,
      title: name,
      unit,
      granularity: series.granularity,
      period: evaluation.period,
      value: evaluation.value,
      ...(expected !== undefined ? { expected, ratio } : {}),
      ...(rule ? { baselineRule: rule } : {}),
      ...(baseline ? { baseline } : {}),
      episode: { openedPeriod: episode.openedPeriod, event: event.type },
    },
    provenance: provenancePayload(snapshot),
  };
  const evidence = {
    value: evaluation.value,
    expected,
    ratio,
    detector: evaluation.evidence,
    snapshotId: snapshot.snapshotId,
    url: snapshot.url,
    fetchedAt: snapshot.fetchedAt,
    contentHash: snapshot.contentHash,
  };
  return {
    alertId,
    kind,
    subject: { type: 'series', id: series.seriesId },
    severity,
    state: 'pending',
    createdAt: input.createdAt,
    period: episode.openedPeriod,
    sourceId: source.id,
    country: source.country,
    message: { subject, sms, email, json: payload },
    evidence,
    attempts: 0,
  };
}
