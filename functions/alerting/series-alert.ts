import { stableId } from '../core/hash';
import type { Alert, Snapshot } from '../core/model';
import type { EpisodeEvent } from '../detection/episodes';
import type { SeriesInfo } from '../store/repository';
import { asciiSubject, cleanText, formatCount, formatRatio, truncateWords } from './text';

export interface SeriesAlertInput {
  event: Extract<EpisodeEvent, { type: 'opened' | 'escalated' }>;
  series: SeriesInfo;
  source: { id: string; title: string; url: string; country: string };
  snapshot: Pick<Snapshot, 'snapshotId' | 'fetchedAt' | 'url' | 'contentHash'>;
  createdAt: string;
}

/**
 * The alert for an episode that opened (or escalated). Its id depends only on the series, the kind and
 * the period that opened the episode, so the same anomaly seen again can never be alerted twice.
 */
export function seriesAlert(input: SeriesAlertInput): Alert {
  const { event, series, source, snapshot } = input;
  const { evaluation, episode } = event;
  const kind = episode.kind;
  const alertId = stableId('series', series.seriesId, kind, episode.openedPeriod, event.type === 'escalated' ? `escalated:${evaluation.severity}` : 'opened');
  const name = cleanText(series.title ?? series.seriesId);
  const ratio = evaluation.ratio ?? episode.peakRatio;
  const expected = evaluation.expected;
  const verb = kind === 'surge' ? 'Surge' : kind === 'drop' ? 'Drop' : 'Shift';
  const headline = `${verb}: ${name} ${formatCount(evaluation.value)} on ${evaluation.period}`;
  const versus = expected !== undefined ? ` vs ${formatCount(expected)} expected (${formatRatio(ratio)})` : '';
  const sms = truncateWords(`borderwatch ${headline}${versus}. ${source.url}`, 160);
  const subject = asciiSubject(`[borderwatch] ${headline}${expected !== undefined ? ` (${formatRatio(ratio)})` : ''}`);
  const email = [
    `${verb} detected in ${name}.`,
    '',
    `Period:    ${evaluation.period} (${series.granularity})`,
    `Value:     ${formatCount(evaluation.value)} ${cleanText(series.unit)}`,
    ...(expected !== undefined ? [`Expected:  ${formatCount(expected)}`, `Ratio:     ${formatRatio(ratio)}`] : []),
    `Severity:  ${evaluation.severity ?? episode.severity}`,
    `Episode:   opened ${episode.openedPeriod}${event.type === 'escalated' ? ', severity rose' : ''}`,
    '',
    `Source:    ${cleanText(source.title)}`,
    `URL:       ${snapshot.url}`,
    `Fetched:   ${snapshot.fetchedAt}`,
    `Snapshot:  ${snapshot.snapshotId}${snapshot.contentHash ? ` (sha256 ${snapshot.contentHash.slice(0, 16)}…)` : ''}`,
  ].join('\n');
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
    severity: evaluation.severity ?? episode.severity,
    state: 'pending',
    createdAt: input.createdAt,
    period: episode.openedPeriod,
    sourceId: source.id,
    country: source.country,
    message: {
      subject,
      sms,
      email,
      json: { alertId, kind, seriesId: series.seriesId, period: evaluation.period, severity: evaluation.severity ?? episode.severity, ...evidence },
    },
    evidence,
    attempts: 0,
  };
}
